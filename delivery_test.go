package buycard

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseLicenseKeys(t *testing.T) {
	keys, err := ParseLicenseKeys(strings.NewReader("AAAA-1111\n  BBBB-2222 \n\nAAAA-1111\n\"CCCC,3333\"\nDDDD,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"AAAA-1111", "BBBB-2222", "CCCC,3333", "DDDD"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys = %q, want %q", keys, want)
	}
}

func TestParseLicenseKeysRefuses(t *testing.T) {
	long := strings.Repeat("k", MaxLicenseKeyLength+1)
	_, err := ParseLicenseKeys(strings.NewReader("GOOD-1\nA,B\n" + long + "\nGOOD-2\nbad\x01key\n"))
	var rows *LicenseKeysError
	if !errors.As(err, &rows) || ErrorCode(err) != EINVALID {
		t.Fatalf("err = %v, want a *LicenseKeysError that is invalid", err)
	}
	var lines []int
	for _, r := range rows.Rows {
		lines = append(lines, r.Line)
	}
	if want := []int{2, 3, 5}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("bad lines %v, want %v (%v)", lines, want, err)
	}
	if msg := ErrorMessage(err); !strings.Contains(msg, "line 3: A license key must be at most 200 characters.") {
		t.Errorf("message %q does not name line 3's problem", msg)
	}
	for _, in := range []string{"", "\n \n", "\"unclosed\n"} {
		if keys, err := ParseLicenseKeys(strings.NewReader(in)); ErrorCode(err) != EINVALID || keys != nil {
			t.Errorf("ParseLicenseKeys(%q) = %q, %v; want invalid", in, keys, err)
		}
	}
	var many strings.Builder
	for i := range MaxLicenseKeysUpload + 1 {
		many.WriteString("KEY-" + strconv.Itoa(i) + "\n")
	}
	if _, err := ParseLicenseKeys(strings.NewReader(many.String())); ErrorCode(err) != EINVALID {
		t.Errorf("%d keys: %v, want invalid", MaxLicenseKeysUpload+1, err)
	}
}

func TestDeliveryFileValidate(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	good := DeliveryFile{Name: " guide.pdf ", SHA256: sha, Size: 10, ContentType: "application/pdf"}
	if err := good.Validate(); err != nil || good.Name != "guide.pdf" {
		t.Fatalf("Validate = %v, name %q", err, good.Name)
	}
	for _, edit := range []func(*DeliveryFile){
		func(f *DeliveryFile) { f.Name = " " },
		func(f *DeliveryFile) { f.Name = "../x.pdf" },
		func(f *DeliveryFile) { f.Name = "a\u202eb.pdf" },
		func(f *DeliveryFile) { f.SHA256 = strings.ToUpper(sha) },
		func(f *DeliveryFile) { f.Size = 0 },
		func(f *DeliveryFile) { f.ContentType = "" },
	} {
		f := good
		edit(&f)
		if err := f.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("Validate(%+v) = %v, want invalid", f, err)
		}
	}
}
