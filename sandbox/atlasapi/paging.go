package atlasapi

import (
	"net/url"
	"strconv"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Pagination limits and defaults (spec components.parameters).
const (
	defaultItemsPerPage = 100
	maxItemsPerPage     = 500
)

// page is a list request's pagination: pageNum, itemsPerPage, includeCount.
type page struct {
	num, size    int
	includeCount bool
}

// parsePage reads the pagination query parameters; out-of-range values are 400
// INVALID_QUERY_PARAMETER rather than silently clamped, so a client bug shows.
func parsePage(q url.Values) (page, *apiError) {
	p := page{num: 1, size: defaultItemsPerPage, includeCount: true}
	if v := q.Get("pageNum"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, invalidQueryParameter("pageNum")
		}
		p.num = n
	}
	if v := q.Get("itemsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxItemsPerPage {
			return p, invalidQueryParameter("itemsPerPage")
		}
		p.size = n
	}
	if v := q.Get("includeCount"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return p, invalidQueryParameter("includeCount")
		}
		p.includeCount = b
	}
	return p, nil
}

// listing is one page of a list: results, links and (unless includeCount=false)
// totalCount, ready to copy into a Paginated* model.
type listing[T any] struct {
	results []T
	links   []admin.Link
	total   *int
}

// paginate cuts one page out of all items and builds the links Atlas records:
// self always, next while more pages exist. Pages past the end are empty.
func paginate[T any](c *call, p page, all []T) listing[T] {
	start := len(all)
	if p.num-1 <= len(all)/p.size { // also keeps (num-1)*size from overflowing
		start = min((p.num-1)*p.size, len(all))
	}
	end := min(start+p.size, len(all))
	out := listing[T]{results: append(make([]T, 0, end-start), all[start:end]...)}
	out.links = []admin.Link{{Href: admin.PtrString(c.pageHref(p, p.num, false)), Rel: admin.PtrString("self")}}
	if end < len(all) {
		out.links = append(out.links, admin.Link{Href: admin.PtrString(c.pageHref(p, p.num+1, true)), Rel: admin.PtrString("next")})
	}
	if p.includeCount {
		n := len(all)
		out.total = &n
	}
	return out
}

// pageHref rebuilds the request URL for a page. Other query parameters (a name
// filter) are kept; the pagination ones come last in the order of recorded links:
// self "includeCount, pageNum, itemsPerPage", next "includeCount, itemsPerPage,
// pageNum".
func (c *call) pageHref(p page, num int, next bool) string {
	var parts []string
	for _, kv := range strings.Split(c.r.URL.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "", "pageNum", "itemsPerPage", "includeCount":
			continue
		}
		parts = append(parts, kv)
	}
	count := "includeCount=" + strconv.FormatBool(p.includeCount)
	pageNum := "pageNum=" + strconv.Itoa(num)
	items := "itemsPerPage=" + strconv.Itoa(p.size)
	if next {
		parts = append(parts, count, items, pageNum)
	} else {
		parts = append(parts, count, pageNum, items)
	}
	return c.href(c.r.URL.EscapedPath()) + "?" + strings.Join(parts, "&")
}
