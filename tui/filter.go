package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/atlas-iam/atlas-iam/steps"
)

// projectIndex is the searchable list of projects. Search keys are lower-cased
// once, when a page arrives, so a keystroke costs one pass of plain string
// comparisons over the loaded projects.
type projectIndex struct {
	items []steps.ProjectOption
	names []string // lower-cased names
	ids   []string // lower-cased ids
	byID  map[string]int
}

func newProjectIndex() *projectIndex {
	return &projectIndex{byID: map[string]int{}}
}

// add appends a page of projects, ignoring ids already present (a page that is
// delivered twice must not duplicate rows).
func (x *projectIndex) add(ps []steps.ProjectOption) {
	for _, p := range ps {
		if _, dup := x.byID[p.ID]; dup {
			continue
		}
		x.byID[p.ID] = len(x.items)
		x.items = append(x.items, p)
		x.names = append(x.names, strings.ToLower(p.Name))
		x.ids = append(x.ids, strings.ToLower(p.ID))
	}
}

// filter returns the indexes of the projects matching query, best first:
// case-insensitive substring matches of the name or id in loading order, then
// fuzzy matches (the query's letters in order, not necessarily adjacent).
// An empty query matches everything. It also returns how many of the matches
// are substring matches. dst is reused to avoid allocations.
func (x *projectIndex) filter(query string, dst []int) ([]int, int) {
	dst = dst[:0]
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		for i := range x.items {
			dst = append(dst, i)
		}
		return dst, len(dst)
	}
	fuzzyQ := strings.ReplaceAll(q, " ", "")
	var fuzzy []int
	for i := range x.items {
		switch {
		case strings.Contains(x.names[i], q) || strings.Contains(x.ids[i], q):
			dst = append(dst, i)
		case subsequence(x.names[i], fuzzyQ) || subsequence(x.ids[i], fuzzyQ):
			fuzzy = append(fuzzy, i)
		}
	}
	exact := len(dst)
	return append(dst, fuzzy...), exact
}

// subsequence reports whether q's runes appear in s in order.
func subsequence(s, q string) bool {
	for _, r := range q {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		s = s[i+utf8.RuneLen(r):]
	}
	return true
}
