package steps

import "context"

// future is a value computed in the background: independent reads start as early
// as their inputs are known and steps wait only for what they use.
type future[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func goFuture[T any](ctx context.Context, f func(context.Context) (T, error)) *future[T] {
	fu := &future[T]{done: make(chan struct{})}
	go func() {
		defer close(fu.done)
		fu.v, fu.err = f(ctx)
	}()
	return fu
}

// resolved is a future that already holds its value.
func resolved[T any](v T, err error) *future[T] {
	fu := &future[T]{done: make(chan struct{}), v: v, err: err}
	close(fu.done)
	return fu
}

func (f *future[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
