package tui

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

func TestProjectFilter(t *testing.T) {
	x := newProjectIndex()
	x.add([]steps.ProjectOption{
		{ID: "5f00000000000000000000aa", Name: "Orders-Production"},
		{ID: "5f00000000000000000000bb", Name: "orders-staging"},
		{ID: "5f00000000000000000000cc", Name: "Ops Reporting Dashboard"},
		{ID: "5f00000000000000000000dd", Name: "payments"},
	})
	x.add([]steps.ProjectOption{{ID: "5f00000000000000000000aa", Name: "Orders-Production"}}) // delivered twice
	for _, c := range []struct {
		query string
		want  []int
		exact int
	}{
		{"", []int{0, 1, 2, 3}, 4},
		{"ORDERS", []int{0, 1}, 2},   // case-insensitive substring
		{"0000dd", []int{3}, 1},      // by id
		{"ordrs", []int{0, 1}, 0},    // fuzzy only
		{"ord", []int{0, 1, 2}, 2},   // substring first, then fuzzy ("Ops Reporting Dashboard")
		{"  staging ", []int{1}, 1},  // trimmed
		{"zzz", []int{}, 0},          // nothing
		{"o r d", []int{0, 1, 2}, 0}, // spaces ignored by the fuzzy match
	} {
		got, exact := x.filter(c.query, nil)
		if got == nil {
			got = []int{}
		}
		if !reflect.DeepEqual(got, c.want) || exact != c.exact {
			t.Errorf("filter(%q) = %v (%d exact), want %v (%d exact)", c.query, got, exact, c.want, c.exact)
		}
	}
}

// benchProjects are 10,000 projects with realistic, varied names.
func benchProjects() []steps.ProjectOption {
	words := []string{"orders", "payments", "reporting", "analytics", "checkout", "inventory", "search",
		"identity", "billing", "catalog", "shipping", "ledger", "prod", "staging", "dev", "eu", "us", "apac"}
	r := rand.New(rand.NewPCG(1, 2))
	ps := make([]steps.ProjectOption, 10_000)
	for i := range ps {
		name := fmt.Sprintf("%s-%s-%s-%04d", words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))], i)
		ps[i] = steps.ProjectOption{ID: fmt.Sprintf("%024x", r.Uint64()), Name: name}
	}
	return ps
}

// BenchmarkProjectFilter measures one keystroke in the project picker over
// 10,000 loaded projects (the budget is 5 ms):
//   - filter: the search alone;
//   - keystroke: the whole screen's work for a typed character, update and view.
func BenchmarkProjectFilter(b *testing.B) {
	ps := benchProjects()
	queries := []string{"o", "or", "ord", "orde", "order", "orders", "orders-p", "orders-pr", "ledgr", "5f3a", "zz"}

	b.Run("filter", func(b *testing.B) {
		x := newProjectIndex()
		x.add(ps)
		var dst []int
		i := 0
		for b.Loop() {
			dst, _ = x.filter(queries[i%len(queries)], dst)
			i++
		}
	})

	b.Run("keystroke", func(b *testing.B) {
		c := &common{styles: newStyles(newRenderer(nil, true)), keys: DefaultKeyMap(), clock: fixedClock, width: 76, height: 20}
		p := newProjectPage(c, 1, steps.ProjectRequest{})
		p.init()
		p.receive(projectPageMsg{seq: 1, page: steps.ProjectPage{Projects: ps, Loaded: len(ps), Total: len(ps), Done: true}, ok: true})
		typed := []rune("orders-prod")
		i := 0
		for b.Loop() {
			// Type the query one key at a time, then erase it the same way.
			n := i % (2 * len(typed))
			if n < len(typed) {
				p.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{typed[n]}})
			} else {
				p.update(tea.KeyMsg{Type: tea.KeyBackspace})
			}
			_ = p.view()
			i++
		}
	})
}
