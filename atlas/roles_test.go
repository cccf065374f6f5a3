package atlas

import (
	"strings"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

func TestParseRoles(t *testing.T) {
	custom := []string{"appReader", "ops-team_1"}
	tests := []struct {
		name    string
		specs   []string
		custom  []string
		want    []string // FormatRole of each, in order
		wantErr string   // substring
	}{
		{name: "default db is admin", specs: []string{"readWriteAnyDatabase"}, want: []string{"readWriteAnyDatabase@admin"}},
		{name: "explicit db", specs: []string{"readWrite@sales"}, want: []string{"readWrite@sales"}},
		{name: "collection", specs: []string{"read@sales.orders"}, want: []string{"read@sales.orders"}},
		{name: "collection with dots", specs: []string{"readWrite@sales.orders.2024"}, want: []string{"readWrite@sales.orders.2024"}},
		{name: "comma separated, spaces trimmed", specs: []string{"read@a, readWrite@b"}, want: []string{"read@a", "readWrite@b"}},
		{name: "several specs keep order", specs: []string{"dbAdmin@x", "atlasAdmin"}, want: []string{"dbAdmin@x", "atlasAdmin@admin"}},
		{name: "duplicates dropped", specs: []string{"read@a", "read@a", "read@admin", "read"}, want: []string{"read@a", "read@admin"}},
		{name: "admin-only role on admin", specs: []string{"clusterMonitor@admin"}, want: []string{"clusterMonitor@admin"}},
		{name: "custom role", specs: []string{"appReader"}, custom: custom, want: []string{"appReader@admin"}},
		{name: "custom role with dash", specs: []string{"ops-team_1@admin"}, custom: custom, want: []string{"ops-team_1@admin"}},
		{name: "nothing", specs: nil, wantErr: "at least one role"},
		{name: "only blanks", specs: []string{" "}, wantErr: "empty role"},
		{name: "empty item between commas", specs: []string{"read,,readWrite"}, wantErr: "empty role"},
		{name: "missing role name", specs: []string{"@admin"}, wantErr: "role name before @ is missing"},
		{name: "nothing after @", specs: []string{"read@"}, wantErr: "nothing after @"},
		{name: "collection without db", specs: []string{"read@.orders"}, wantErr: "collection needs a database"},
		{name: "empty collection", specs: []string{"read@sales."}, wantErr: "collection name after"},
		{name: "two @", specs: []string{"read@a@b"}, wantErr: "more than one @"},
		{name: "bad character in role", specs: []string{"read write"}, wantErr: "not allowed"},
		{name: "bad character in db", specs: []string{"read@sa$les"}, wantErr: `"$"`},
		{name: "space in db", specs: []string{"read@my db"}, wantErr: "not allowed"},
		{name: "long db", specs: []string{"read@" + strings.Repeat("d", 65)}, wantErr: "longer than 64"},
		{name: "dollar in collection", specs: []string{"read@sales.$cmd"}, wantErr: "must not contain $"},
		{name: "$external is not a role db", specs: []string{"read@$external"}, wantErr: "$external"},
		{name: "readAnyDatabase on a non-admin db", specs: []string{"readAnyDatabase@sales"}, wantErr: "admin only"},
		{name: "atlasAdmin on a db", specs: []string{"atlasAdmin@app"}, wantErr: "admin only"},
		{name: "admin role on a collection", specs: []string{"atlasAdmin@admin.users"}, wantErr: "cannot be limited to a collection"},
		{name: "dbAdmin on a collection", specs: []string{"dbAdmin@app.c"}, wantErr: "only read and readWrite"},
		{name: "wrong case suggests the role", specs: []string{"ReadWrite@app"}, wantErr: "did you mean readWrite?"},
		{name: "unknown role lists the choices", specs: []string{"superuser"}, wantErr: "built-in roles: atlasAdmin"},
		{name: "custom role unknown without the project's list", specs: []string{"appReader"}, wantErr: "no custom roles"},
		{name: "custom role on another db", specs: []string{"appReader@sales"}, custom: custom, wantErr: "admin database only"},
		{name: "custom role on a collection", specs: []string{"appReader@admin.c"}, custom: custom, wantErr: "admin database only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRoles(tt.specs, tt.custom...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRoles: %v", err)
			}
			var gotS []string
			for _, r := range got {
				gotS = append(gotS, FormatRole(r))
			}
			if strings.Join(gotS, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", gotS, tt.want)
			}
		})
	}
}

// FormatRole and ParseRoles are inverses: what we show is what we accept.
func TestFormatRoleRoundTrip(t *testing.T) {
	roles := []admin.DatabaseUserRole{
		{RoleName: "read", DatabaseName: "admin"},
		{RoleName: "readWrite", DatabaseName: "sales", CollectionName: admin.PtrString("orders.2024")},
		{RoleName: "appReader", DatabaseName: "admin"},
	}
	for _, r := range roles {
		back, err := ParseRoles([]string{FormatRole(r)}, "appReader")
		if err != nil {
			t.Fatalf("%s: %v", FormatRole(r), err)
		}
		if !RolesEqual(back, []admin.DatabaseUserRole{r}) || back[0].GetCollectionName() != r.GetCollectionName() {
			t.Errorf("%s parsed back as %v", FormatRole(r), FormatRoles(back))
		}
	}
}

func FuzzParseRoles(f *testing.F) {
	for _, s := range []string{"read", "read@a.b", "@", "a@b@c", "readWrite@x.", ",", "atlasAdmin@admin"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		roles, err := ParseRoles([]string{spec})
		if err != nil {
			return
		}
		// Whatever is accepted formats to something accepted again, unchanged.
		var specs []string
		for _, r := range roles {
			specs = append(specs, FormatRole(r))
		}
		again, err := ParseRoles(specs)
		if err != nil || !RolesEqual(roles, again) {
			t.Fatalf("%q → %v → %v (%v)", spec, specs, FormatRoles(again), err)
		}
	})
}
