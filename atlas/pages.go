package atlas

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Atlas paging limits (itemsPerPage 1–500).
const (
	maxPageSize        = 500
	defaultConcurrency = 6
	// maxPages stops a server that keeps returning full pages.
	maxPages = 10000
)

// Page is one page of a listing, handed to ListOptions.OnPage as it arrives.
type Page[T any] struct {
	Number  int // 1-based page number
	Items   []T
	Fetched int // items received so far, this page included
	Total   int // the first page's totalCount (an estimate); 0 if unknown
}

// ListOptions tune a paged listing. The zero value fetches 500 per page, 6 pages at
// a time.
type ListOptions[T any] struct {
	PageSize    int // 1–500
	Concurrency int // pages in flight after the first
	// OnPage is called once per page in arrival order (not page order), never
	// concurrently, so a UI can show progress; the returned slice is in page order.
	OnPage func(Page[T])
}

// pageFetcher gets one page; total is the totalCount when includeCount was asked.
type pageFetcher[T any] func(ctx context.Context, pageNum, itemsPerPage int, includeCount bool) (items []T, total *int, err error)

// fetchAll reads every page: the first with includeCount, then the rest
// concurrently (bounded), then — because totalCount is only an estimate, or absent —
// further pages one by one while the last page was full.
func fetchAll[T any](ctx context.Context, opts ListOptions[T], fetch pageFetcher[T]) ([]T, error) {
	size := opts.PageSize
	if size <= 0 || size > maxPageSize {
		size = maxPageSize
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = defaultConcurrency
	}
	var mu sync.Mutex
	fetched, estimate := 0, 0
	deliver := func(n int, items []T) {
		mu.Lock()
		defer mu.Unlock()
		fetched += len(items)
		if opts.OnPage != nil {
			opts.OnPage(Page[T]{Number: n, Items: items, Fetched: fetched, Total: estimate})
		}
	}

	first, total, err := fetch(ctx, 1, size, true)
	if err != nil {
		return nil, err
	}
	if total != nil {
		estimate = *total
	}
	deliver(1, first)
	pages := [][]T{first}

	if len(first) == size && estimate > size {
		n := (estimate + size - 1) / size
		rest := make([][]T, n-1)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(conc)
		for p := 2; p <= n; p++ {
			g.Go(func() error {
				items, _, err := fetch(gctx, p, size, false)
				if err != nil {
					return err
				}
				rest[p-2] = items
				deliver(p, items)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		pages = append(pages, rest...)
	}
	for len(pages[len(pages)-1]) == size {
		p := len(pages) + 1
		if p > maxPages {
			return nil, fmt.Errorf("more than %d pages of %d items: giving up", maxPages, size)
		}
		items, _, err := fetch(ctx, p, size, false)
		if err != nil {
			return nil, err
		}
		deliver(p, items)
		pages = append(pages, items)
	}
	var out []T
	for _, p := range pages {
		out = append(out, p...)
	}
	return out, nil
}
