package buycard

import "encoding/json"

// The edits (WidgetEdit, ProductEdit) share these: a nil pointer field
// leaves the value it edits, and a ListEdit replaces a whole list.

// ListEdit replaces a list when Set. Unlike a nil pointer, JSON null is a
// value here, the empty list; only an absent field leaves the list.
type ListEdit[T any] struct {
	Set   bool
	Items []T
}

// Replace is the ListEdit that replaces a list with items.
func Replace[T any](items ...T) ListEdit[T] { return ListEdit[T]{Set: true, Items: items} }

// UnmarshalJSON reads the list, null for none.
func (l *ListEdit[T]) UnmarshalJSON(b []byte) error {
	l.Set = true
	return json.Unmarshal(b, &l.Items)
}

// MarshalJSON writes the list, [] for none.
func (l ListEdit[T]) MarshalJSON() ([]byte, error) {
	if l.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(l.Items)
}

// IsZero reports whether the list is left as it is, for omitzero.
func (l ListEdit[T]) IsZero() bool { return !l.Set }

// apply replaces *list when l is Set.
func (l ListEdit[T]) apply(list *[]T) {
	if l.Set {
		*list = l.Items
	}
}

// set stores *v in *field when v is not nil.
func set[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}
