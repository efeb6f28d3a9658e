package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SeaweedFS is the S3-compatible server the cluster keeps its files in,
// built from its Go module (backend/testenv.InstallSource: its go.mod has
// replace directives, which `go install module@version` refuses).
const (
	SeaweedModule  = "github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6"
	SeaweedPackage = "./weed"
)

// Bucket is the name of the cluster's bucket.
const Bucket = "buycard"

// S3 is a running SeaweedFS server (`weed server -s3`: master, volume
// server, filer and S3 gateway in one process) on loopback ports of its
// own, holding the cluster's bucket.
type S3 struct {
	// Endpoint is the S3 API's URL (http://127.0.0.1:PORT).
	Endpoint string
	// URL is the gocloud.dev bucket URL of the cluster's bucket, the
	// nodes' BUYCARD_BLOB_URL.
	URL  string
	proc *process
}

// StartS3 runs the SeaweedFS program weed with its data in dir until
// Close, creates the cluster's bucket and returns once the bucket takes
// writes. What weed prints goes to out, after "s3". Its S3 gateway has no
// identities configured, so it takes unsigned requests: it listens on
// loopback only.
func StartS3(ctx context.Context, weed, dir string, out io.Writer) (*S3, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	ports, err := freePorts(8)
	if err != nil {
		return nil, err
	}
	args := []string{"server", "-dir=" + dir, "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
		"-master.volumeSizeLimitMB=64", "-volume.max=8", "-volume.preStopSeconds=0", "-s3", "-s3.port.iceberg=0", "-s3.port.lance=0"}
	for i, name := range []string{"master", "volume", "filer", "s3"} {
		args = append(args, fmt.Sprintf("-%s.port=%d", name, ports[2*i]), fmt.Sprintf("-%s.port.grpc=%d", name, ports[2*i+1]))
	}
	s := &S3{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", ports[6])}
	s.proc = &process{name: "s3", cmd: exec.Command(weed, args...), out: newOutput(out).named("s3")}
	if err := s.proc.start(); err != nil {
		return nil, err
	}
	if s.URL, err = s.NewBucket(ctx, Bucket); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// BucketURL is the gocloud.dev URL (gocloud.dev/blob/s3blob) of bucket at
// the S3-compatible endpoint (http://host:port): path-style requests, as
// servers other than AWS's want, without signatures (anonymous) since
// the cluster's server has no identities, and checksums only where the
// API requires them, as older S3 implementations do.
func BucketURL(endpoint, bucket string) string {
	q := url.Values{
		"endpoint": {endpoint}, "region": {"us-east-1"}, "use_path_style": {"true"},
		"disable_https": {strconv.FormatBool(strings.HasPrefix(endpoint, "http:"))}, "anonymous": {"true"},
		"request_checksum_calculation": {"when_required"}, "response_checksum_validation": {"when_required"},
	}
	return "s3://" + bucket + "?" + q.Encode()
}

// NewBucket creates the bucket name unless it exists, and returns its
// gocloud.dev URL; it returns once the bucket takes writes.
func (s *S3) NewBucket(ctx context.Context, name string) (string, error) {
	if err := s.waitWritable(ctx, name); err != nil {
		return "", err
	}
	return BucketURL(s.Endpoint, name), nil
}

// waitWritable creates the bucket, once the gateway answers, and writes
// and removes an object in it, once the volume server has joined: until
// then writes fail.
func (s *S3) waitWritable(ctx context.Context, bucket string) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	probe := s.Endpoint + "/" + bucket + "/.probe"
	steps := []struct{ method, url string }{{http.MethodPut, s.Endpoint + "/" + bucket}, {http.MethodPut, probe}, {http.MethodDelete, probe}}
	for len(steps) > 0 {
		if err := do(ctx, steps[0].method, steps[0].url); err == nil {
			steps = steps[1:]
			continue
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: SeaweedFS's bucket took no writes: %w", ctx.Err())
		case <-s.proc.done:
			return fmt.Errorf("cluster: SeaweedFS ended: %v", s.proc.err)
		case <-tick.C:
		}
	}
	return nil
}

// do sends an empty request and wants a 2xx answer; creating a bucket
// that exists counts as one.
func do(ctx context.Context, method, url string) error {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(""))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 == 2 || strings.Contains(string(body), "BucketAlreadyOwnedByYou") || strings.Contains(string(body), "BucketAlreadyExists") {
		return nil
	}
	return fmt.Errorf("%s %s: %s", method, url, resp.Status)
}

// Close stops SeaweedFS gracefully, which takes it seconds.
func (s *S3) Close() error { return s.proc.stop() }

// Kill stops SeaweedFS at once, for data no one keeps (tests').
func (s *S3) Kill() error { return s.proc.signal(syscall.SIGKILL) }

// freePorts returns n loopback ports no one listens on now, all
// different.
func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("cluster: find a free port: %w", err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
