package world

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Atlas project roles the sandbox's API credentials can hold (Atlas role names).
const (
	RoleProjectOwner    = "GROUP_OWNER"
	RoleProjectReadOnly = "GROUP_READ_ONLY"
)

// Names of the primary project's deployments.
const (
	ClusterName   = "Cluster0"
	FlexName      = "FlexCluster0"
	FederatedName = "FederatedDatabaseInstance0"
)

// ErrNotFound and ErrExists classify store failures; the API maps them to Atlas codes.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Org is the Atlas organisation.
type Org struct{ ID, Name string }

// Project is an Atlas project ("group" in the API).
type Project struct {
	ID, Name, OrgID string
	Created         time.Time
}

// ClusterKind tells the API family a deployment belongs to.
type ClusterKind string

const (
	KindDedicated ClusterKind = "dedicated" // clusters API, has /status
	KindFlex      ClusterKind = "flex"      // flexClusters API, no /status
	KindFederated ClusterKind = "federated" // dataFederation API, no /status
)

// Cluster is a deployment that a wire server serves.
type Cluster struct {
	ID, Name, ProjectID string
	Kind                ClusterKind
	Created             time.Time
	MongoDBVersion      string
	// Addr is "host:port" of the deployment's wire server; empty until attached.
	Addr string
}

// APIKey is the organisation's programmatic API key (digest auth).
type APIKey struct {
	ID, PublicKey, PrivateKey, Description string
}

// ServiceAccount is the organisation's OAuth client (client-credentials flow).
type ServiceAccount struct {
	ClientID, Secret, Name string
}

// APIRequest is one line of the Atlas API request log.
type APIRequest struct {
	Time      time.Time
	Method    string
	Path      string
	Status    int
	Principal string // API public key or service-account client id; "" before auth
}

// Write reports whether the request changed (or tried to change) state.
func (r APIRequest) Write() bool {
	return r.Method != "GET" && r.Method != "HEAD" && !strings.HasPrefix(r.Path, "/api/oauth/")
}

// UserMatch is the outcome of looking a principal up on one deployment.
type UserMatch struct {
	// User is the deployed database user the principal authenticates as.
	User *admin.CloudDatabaseUser
	// Reason explains a miss for the server log (never sent to the client).
	Reason string
}

type userRecord struct {
	current  *admin.CloudDatabaseUser // nil once deleted
	deployed *admin.CloudDatabaseUser // what the deployments serve until applyAt
	applyAt  time.Time
	created  time.Time
}

type accessEntry struct {
	entry    admin.NetworkPermissionEntry
	activeAt time.Time
}

type token struct {
	clientID string
	expires  time.Time
}

type atlasState struct {
	org      Org
	projects []Project
	clusters []*Cluster
	users    map[string][]*userRecord // project id → records in creation order
	access   map[string][]*accessEntry
	apiKey   APIKey
	sa       ServiceAccount
	tokens   map[string]token
	requests []APIRequest
	ldap     map[string]admin.LDAPSecuritySettings // set by PATCH userSecurity; see atlas_security.go
}

func (w *World) initAtlas(opts Options) {
	a := &w.atlas
	created := w.now().Add(-90 * 24 * time.Hour).Truncate(time.Second)
	a.org = Org{ID: w.nextID(0x5f0a0c10), Name: "Sandbox-Org"} // the spec's name pattern allows no spaces
	a.projects = append(a.projects, Project{ID: w.nextID(0x65a1b2c3), Name: "sandbox-project", OrgID: a.org.ID, Created: created})
	for i := 1; i <= opts.ExtraProjects; i++ {
		a.projects = append(a.projects, Project{ID: w.nextID(0x65a1b2c3), Name: fmt.Sprintf("project-%05d", i), OrgID: a.org.ID, Created: created})
	}
	p := a.projects[0].ID
	for _, c := range []struct {
		name string
		kind ClusterKind
	}{{ClusterName, KindDedicated}, {FlexName, KindFlex}, {FederatedName, KindFederated}} {
		a.clusters = append(a.clusters, &Cluster{ID: w.nextID(0x66b2c3d4), Name: c.name, ProjectID: p, Kind: c.kind, Created: created, MongoDBVersion: "8.0.15"})
	}
	a.users = map[string][]*userRecord{}
	a.access = map[string][]*accessEntry{}
	office := admin.NetworkPermissionEntry{IpAddress: admin.PtrString("203.0.113.24"), CidrBlock: admin.PtrString("203.0.113.24/32"), Comment: admin.PtrString("Office VPN"), GroupId: admin.PtrString(p)}
	a.access[p] = []*accessEntry{{entry: office}}
	if !opts.NetworkBlocked {
		loop := admin.NetworkPermissionEntry{IpAddress: admin.PtrString("127.0.0.1"), CidrBlock: admin.PtrString("127.0.0.1/32"), Comment: admin.PtrString("This machine (sandbox loopback)"), GroupId: admin.PtrString(p)}
		a.access[p] = append(a.access[p], &accessEntry{entry: loop})
	}
	a.apiKey = APIKey{ID: w.nextID(0x67c3d4e5), PublicKey: randString(lowerAlpha, 8), PrivateKey: randUUID(), Description: "atlas-iam sandbox key"}
	a.sa = ServiceAccount{ClientID: "mdb_sa_id_" + w.nextID(0x68d4e5f6), Secret: "mdb_sa_sk_" + randString(alnum, 40), Name: "atlas-iam-sandbox"}
	a.tokens = map[string]token{}
}

// Org returns the organisation.
func (w *World) Org() Org {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.atlas.org
}

// Projects returns every project, the primary one first.
func (w *World) Projects() []Project {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.atlas.projects)
}

// PrimaryProject is the project that holds the clusters.
func (w *World) PrimaryProject() Project {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.atlas.projects[0]
}

// Project finds a project by id.
func (w *World) Project(id string) (Project, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.atlas.projects {
		if p.ID == id {
			return p, true
		}
	}
	return Project{}, false
}

// Clusters returns the project's deployments of one kind.
func (w *World) Clusters(projectID string, kind ClusterKind) []Cluster {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Cluster
	for _, c := range w.atlas.clusters {
		if c.ProjectID == projectID && c.Kind == kind {
			out = append(out, *c)
		}
	}
	return out
}

// Cluster finds a deployment by project and name, of any kind.
func (w *World) Cluster(projectID, name string) (Cluster, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.atlas.clusters {
		if c.ProjectID == projectID && c.Name == name {
			return *c, true
		}
	}
	return Cluster{}, false
}

// AttachCluster records the address of the wire server serving a deployment.
func (w *World) AttachCluster(name, addr string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.atlas.clusters {
		if c.Name == name {
			c.Addr = addr
			return nil
		}
	}
	return fmt.Errorf("cluster %q: %w", name, ErrNotFound)
}

// APIKey returns the organisation's API key pair.
func (w *World) APIKey() APIKey {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.atlas.apiKey
}

// ServiceAccount returns the organisation's service account.
func (w *World) ServiceAccount() ServiceAccount {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.atlas.sa
}

// IssueToken creates an OAuth access token for the service account, valid for ttl.
func (w *World) IssueToken(clientID, secret string, ttl time.Duration) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if clientID != w.atlas.sa.ClientID || secret != w.atlas.sa.Secret {
		return "", fmt.Errorf("client %q: %w", clientID, ErrNotFound)
	}
	t := "eyJ" + randString(alnum, 120)
	w.atlas.tokens[t] = token{clientID: clientID, expires: w.now().Add(ttl)}
	return t, nil
}

// TokenClient returns the client id of a valid (unexpired, unrevoked) access token.
func (w *World) TokenClient(t string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	tok, ok := w.atlas.tokens[t]
	if !ok || w.now().After(tok.expires) {
		return "", false
	}
	return tok.clientID, true
}

// RevokeToken invalidates an access token; unknown tokens are ignored (RFC 7009).
func (w *World) RevokeToken(t string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.atlas.tokens, t)
}

// RecordAPIRequest appends to the Atlas API request log.
func (w *World) RecordAPIRequest(r APIRequest) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.atlas.requests = append(w.atlas.requests, r)
}

// APIRequests returns the Atlas API request log.
func (w *World) APIRequests() []APIRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.atlas.requests)
}

// UserSecurity returns the project's LDAP and X.509 settings as Atlas reports them.
func (w *World) UserSecurity(projectID string) admin.UserSecurity {
	w.mu.Lock()
	defer w.mu.Unlock()
	ldap := admin.LDAPSecuritySettings{
		AuthenticationEnabled: admin.PtrBool(false),
		AuthorizationEnabled:  admin.PtrBool(false),
		Port:                  admin.PtrInt(636),
	}
	if w.knobs.LDAPAuthorization && projectID == w.atlas.projects[0].ID {
		ldap = admin.LDAPSecuritySettings{
			AuthenticationEnabled: admin.PtrBool(true),
			AuthorizationEnabled:  admin.PtrBool(true),
			AuthzQueryTemplate:    admin.PtrString("{USER}?memberOf?base"),
			BindUsername:          admin.PtrString("CN=atlas-bind,OU=Service Accounts,DC=example,DC=com"),
			Hostname:              admin.PtrString("ldap.example.com"),
			Port:                  admin.PtrInt(636),
		}
	}
	ldap = w.ldapOverrideLocked(projectID, ldap)
	return admin.UserSecurity{CustomerX509: &admin.DBUserTLSX509Settings{}, Ldap: &ldap}
}

// ---- database users ----

func (w *World) findRecord(projectID, db, username string) *userRecord {
	for _, r := range w.atlas.users[projectID] {
		if r.current != nil && r.current.DatabaseName == db && r.current.Username == username {
			return r
		}
	}
	return nil
}

// expireUsers deletes temporary users whose deleteAfterDate has passed.
func (w *World) expireUsers(projectID string) {
	now := w.now()
	for _, r := range w.atlas.users[projectID] {
		if r.current != nil && r.current.DeleteAfterDate != nil && now.After(*r.current.DeleteAfterDate) {
			w.logLocked("atlas", "temporary user %s expired (deleteAfterDate %s) and was removed", r.current.Username, r.current.DeleteAfterDate.Format(time.RFC3339))
			r.deployed, r.current, r.applyAt = nil, nil, now
		}
	}
}

func (w *World) applyAt() time.Time {
	if w.knobs.StuckPending {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return w.now().Add(w.knobs.DeployDelay)
}

// serving returns the version of a record the deployments currently serve.
func (r *userRecord) serving(now time.Time) *admin.CloudDatabaseUser {
	if !now.Before(r.applyAt) {
		return r.current
	}
	return r.deployed
}

// DBUsers returns the project's database users in creation order.
func (w *World) DBUsers(projectID string) []admin.CloudDatabaseUser {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	var out []admin.CloudDatabaseUser
	for _, r := range w.atlas.users[projectID] {
		if r.current != nil {
			out = append(out, cloneUser(*r.current))
		}
	}
	return out
}

// DBUser returns one database user.
func (w *World) DBUser(projectID, db, username string) (admin.CloudDatabaseUser, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	if r := w.findRecord(projectID, db, username); r != nil {
		return cloneUser(*r.current), true
	}
	return admin.CloudDatabaseUser{}, false
}

// CreateDBUser stores a new user; it reaches the deployments after the deploy delay.
func (w *World) CreateDBUser(projectID string, u admin.CloudDatabaseUser) (admin.CloudDatabaseUser, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	if w.findRecord(projectID, u.DatabaseName, u.Username) != nil {
		return admin.CloudDatabaseUser{}, fmt.Errorf("user %s: %w", u.Username, ErrExists)
	}
	// A deleted user's pending tombstone stays so its old version keeps being served.
	c := cloneUser(u)
	w.atlas.users[projectID] = append(w.atlas.users[projectID], &userRecord{current: &c, applyAt: w.applyAt(), created: w.now()})
	w.logLocked("atlas", "database user %s@%s created; deployment %s", u.Username, u.DatabaseName, w.deployPhrase())
	return cloneUser(c), nil
}

// UpdateDBUser replaces a user's definition (the API merges the PATCH body first).
func (w *World) UpdateDBUser(projectID, db, username string, u admin.CloudDatabaseUser) (admin.CloudDatabaseUser, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	r := w.findRecord(projectID, db, username)
	if r == nil {
		return admin.CloudDatabaseUser{}, fmt.Errorf("user %s: %w", username, ErrNotFound)
	}
	r.deployed = r.serving(w.now())
	c := cloneUser(u)
	r.current, r.applyAt = &c, w.applyAt()
	w.logLocked("atlas", "database user %s@%s updated; deployment %s", username, db, w.deployPhrase())
	return cloneUser(c), nil
}

// DeleteDBUser removes a user; deployments keep serving it until the change applies.
func (w *World) DeleteDBUser(projectID, db, username string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	r := w.findRecord(projectID, db, username)
	if r == nil {
		return fmt.Errorf("user %s: %w", username, ErrNotFound)
	}
	r.deployed = r.serving(w.now())
	r.current, r.applyAt = nil, w.applyAt()
	w.logLocked("atlas", "database user %s@%s deleted; deployment %s", username, db, w.deployPhrase())
	return nil
}

func (w *World) deployPhrase() string {
	if w.knobs.StuckPending {
		return "stuck PENDING (knob)"
	}
	return "PENDING for " + w.knobs.DeployDelay.String()
}

// ClusterChangeStatus is "PENDING" while a user change that reaches the deployment
// has not been applied yet, else "APPLIED".
func (w *World) ClusterChangeStatus(projectID, cluster string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	c := w.clusterLocked(projectID, cluster)
	now := w.now()
	for _, r := range w.atlas.users[projectID] {
		if !now.Before(r.applyAt) {
			continue
		}
		if (r.current != nil && inScope(*r.current, c)) || (r.deployed != nil && inScope(*r.deployed, c)) {
			return "PENDING"
		}
	}
	return "APPLIED"
}

func (w *World) clusterLocked(projectID, name string) Cluster {
	for _, c := range w.atlas.clusters {
		if c.ProjectID == projectID && c.Name == name {
			return *c
		}
	}
	return Cluster{ProjectID: projectID, Name: name}
}

// inScope reports whether a user reaches a deployment: no scopes means every
// deployment of the project; otherwise a scope must name it with the right type.
func inScope(u admin.CloudDatabaseUser, c Cluster) bool {
	if u.Scopes == nil || len(*u.Scopes) == 0 {
		return true
	}
	want := "CLUSTER"
	if c.Kind == KindFederated {
		want = "DATA_LAKE"
	}
	for _, s := range *u.Scopes {
		if s.Name == c.Name && s.Type == want {
			return true
		}
	}
	return false
}

// AtlasPrincipal is the $external user name a deployment derives from an Atlas IAM
// database user: a USER keeps its ARN; a ROLE ARN is rewritten the way Atlas does
// (iam→sts, role/→assumed-role/, "/*" appended), so a role path survives into the
// principal and can never match a session ARN, which has no path.
func AtlasPrincipal(u admin.CloudDatabaseUser) string {
	switch u.GetAwsIAMType() {
	case "USER":
		return u.Username
	case "ROLE":
		p := strings.Replace(u.Username, "arn:aws:iam::", "arn:aws:sts::", 1)
		p = strings.Replace(p, ":role/", ":assumed-role/", 1)
		return p + "/*"
	}
	return ""
}

// MatchPrincipal finds the user a deployment serves for an authenticated principal
// (already simplified: user ARN, or arn:aws:sts::A:assumed-role/NAME/*). On a miss
// the Reason names the likely cause: not deployed yet, registered with a role path,
// scoped to other deployments, or simply absent.
func (w *World) MatchPrincipal(projectID, cluster, principal string) UserMatch {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expireUsers(projectID)
	c := w.clusterLocked(projectID, cluster)
	now := w.now()
	var reasons []string
	for _, r := range w.atlas.users[projectID] {
		if s := r.serving(now); s != nil && s.DatabaseName == "$external" && AtlasPrincipal(*s) == principal && inScope(*s, c) {
			u := cloneUser(*s)
			return UserMatch{User: &u}
		}
		cur := r.current
		if cur == nil || cur.DatabaseName != "$external" {
			continue
		}
		switch p := AtlasPrincipal(*cur); {
		case p == principal && !inScope(*cur, c):
			reasons = append(reasons, fmt.Sprintf("user %s is scoped to other deployments, not %s", cur.Username, cluster))
		case p == principal:
			reasons = append(reasons, fmt.Sprintf("user %s exists but its change is not deployed yet (changeStatus PENDING until %s)", cur.Username, r.applyAt.Format(time.RFC3339)))
		case cur.GetAwsIAMType() == "ROLE" && pathless(cur.Username) != cur.Username && AtlasPrincipal(admin.CloudDatabaseUser{Username: pathless(cur.Username), AwsIAMType: cur.AwsIAMType}) == principal:
			reasons = append(reasons, fmt.Sprintf("user %s is registered with a role path; Atlas maps it to %s, but role sessions carry no path", cur.Username, p))
		}
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "no $external user maps to this principal")
	}
	return UserMatch{Reason: strings.Join(reasons, "; ")}
}

// pathless drops the path of a role ARN: arn:aws:iam::A:role/p/q/NAME → …:role/NAME.
func pathless(arn string) string {
	i := strings.Index(arn, ":role/")
	if i < 0 {
		return arn
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	return arn[:i] + ":role/" + name
}

func cloneUser(u admin.CloudDatabaseUser) admin.CloudDatabaseUser {
	c := u
	if u.Roles != nil {
		r := slices.Clone(*u.Roles)
		c.Roles = &r
	}
	if u.Scopes != nil {
		s := slices.Clone(*u.Scopes)
		c.Scopes = &s
	}
	if u.Labels != nil {
		l := slices.Clone(*u.Labels)
		c.Labels = &l
	}
	if u.Links != nil {
		l := slices.Clone(*u.Links)
		c.Links = &l
	}
	return c
}

// ---- IP access list ----

// entryValue is the path identifier of an access-list entry: its CIDR block, IP
// address or security group.
func entryValue(e admin.NetworkPermissionEntry) string {
	switch {
	case e.CidrBlock != nil:
		return *e.CidrBlock
	case e.IpAddress != nil:
		return *e.IpAddress
	case e.AwsSecurityGroup != nil:
		return *e.AwsSecurityGroup
	}
	return ""
}

// AccessList returns the project's IP access list.
func (w *World) AccessList(projectID string) []admin.NetworkPermissionEntry {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []admin.NetworkPermissionEntry
	for _, e := range w.atlas.access[projectID] {
		out = append(out, e.entry)
	}
	return out
}

// AddAccessListEntries adds or replaces entries (matched by value), as Atlas does;
// new entries turn ACTIVE after the deploy delay.
func (w *World) AddAccessListEntries(projectID string, entries []admin.NetworkPermissionEntry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range entries {
		e.GroupId = admin.PtrString(projectID)
		ae := &accessEntry{entry: e, activeAt: w.applyAt()}
		replaced := false
		for i, old := range w.atlas.access[projectID] {
			if entryValue(old.entry) == entryValue(e) {
				w.atlas.access[projectID][i], replaced = ae, true
			}
		}
		if !replaced {
			w.atlas.access[projectID] = append(w.atlas.access[projectID], ae)
		}
		w.logLocked("atlas", "access list entry %s added (%s)", entryValue(e), w.deployPhrase())
	}
}

// AccessListEntry finds an entry by its value (CIDR block, IP or security group).
func (w *World) AccessListEntry(projectID, value string) (admin.NetworkPermissionEntry, string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.atlas.access[projectID] {
		if entryValue(e.entry) == value || (e.entry.IpAddress != nil && *e.entry.IpAddress == value) {
			status := "ACTIVE"
			if w.now().Before(e.activeAt) {
				status = "PENDING"
			}
			return e.entry, status, true
		}
	}
	return admin.NetworkPermissionEntry{}, "", false
}

// DeleteAccessListEntry removes an entry by value.
func (w *World) DeleteAccessListEntry(projectID, value string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	list := w.atlas.access[projectID]
	for i, e := range list {
		if entryValue(e.entry) == value || (e.entry.IpAddress != nil && *e.entry.IpAddress == value) {
			w.atlas.access[projectID] = slices.Delete(list, i, i+1)
			w.logLocked("atlas", "access list entry %s deleted", value)
			return nil
		}
	}
	return fmt.Errorf("access list entry %s: %w", value, ErrNotFound)
}

// AccessAllowed reports whether an ACTIVE access-list entry of the project admits ip.
// Security-group entries never match a loopback client.
func (w *World) AccessAllowed(projectID string, ip net.IP) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	for _, e := range w.atlas.access[projectID] {
		if now.Before(e.activeAt) {
			continue
		}
		cidr := e.entry.GetCidrBlock()
		if cidr == "" && e.entry.IpAddress != nil {
			cidr = *e.entry.IpAddress + "/32"
		}
		if _, n, err := net.ParseCIDR(cidr); err == nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// logLocked is Logf for callers holding w.mu.
func (w *World) logLocked(component, format string, args ...any) {
	e := Event{Time: w.now(), Component: component, Message: fmt.Sprintf(format, args...)}
	w.events = append(w.events, e)
	if w.log != nil {
		fmt.Fprintf(w.log, "%s %-5s %s\n", e.Time.Format("15:04:05.000"), e.Component, e.Message)
	}
}
