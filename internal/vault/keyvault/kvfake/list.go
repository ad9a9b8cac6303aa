package kvfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// skipToken is the opaque $skiptoken of a next link: the listing it belongs
// to and the sort key of the last item already returned. Keys rather than
// offsets keep paging stable when secrets are added between pages.
type skipToken struct {
	Listing string `json:"listing"`
	After   string `json:"after"`
}

func lower(name string) string { return strings.ToLower(name) }

// pageItem is one item of a listing: the key it is sorted by, and a function
// that describes it. Only the items on the requested page are described.
type pageItem struct {
	key      string
	describe func() bundleJSON
}

// listSecrets serves GET /secrets: the properties of every live secret,
// ordered by lower-case name, without values.
func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.purgeExpiredLocked(s.opts.Now())
	items := make([]pageItem, 0, len(s.secrets))
	for key, sec := range s.secrets {
		items = append(items, pageItem{key: key, describe: func() bundleJSON {
			b := s.bundle(r, sec, sec.latest(), false)
			b.ID = baseURL(r) + "/secrets/" + sec.name
			return b
		}})
	}
	page, apiErr := s.pageLocked(r, "secrets", items)
	s.mu.Unlock()

	writePage(w, page, apiErr)
}

// listVersions serves GET /secrets/{name}/versions: every version's
// properties, oldest first.
func (s *Server) listVersions(w http.ResponseWriter, r *http.Request, name string) {
	s.mu.Lock()
	s.purgeExpiredLocked(s.opts.Now())
	sec, ok := s.secrets[lower(name)]
	if !ok {
		s.mu.Unlock()
		writeError(w, errSecretNotFound(name))
		return
	}
	items := make([]pageItem, 0, len(sec.versions))
	for i, v := range sec.versions {
		// Zero-padded positions sort in creation order.
		items = append(items, pageItem{key: fmt.Sprintf("%09d", i), describe: func() bundleJSON {
			return s.bundle(r, sec, v, false)
		}})
	}
	page, apiErr := s.pageLocked(r, "versions:"+lower(name), items)
	s.mu.Unlock()

	writePage(w, page, apiErr)
}

// listDeleted serves GET /deletedsecrets: every soft-deleted secret,
// ordered by lower-case name.
func (s *Server) listDeleted(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.purgeExpiredLocked(s.opts.Now())
	items := make([]pageItem, 0, len(s.deleted))
	for key, d := range s.deleted {
		items = append(items, pageItem{key: key, describe: func() bundleJSON {
			b := s.deletedBundle(r, d)
			b.ID = baseURL(r) + "/secrets/" + d.secret.name
			return b
		}})
	}
	page, apiErr := s.pageLocked(r, "deletedsecrets", items)
	s.mu.Unlock()

	writePage(w, page, apiErr)
}

func writePage(w http.ResponseWriter, page listJSON, apiErr *apiError) {
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, marshal(page))
}

// pageLocked sorts items by key and describes the page that the request's
// $skiptoken and maxresults select, with a nextLink when more items follow.
// The caller holds s.mu.
func (s *Server) pageLocked(r *http.Request, listing string, items []pageItem) (listJSON, *apiError) {
	query := r.URL.Query()
	pageSize, apiErr := s.pageSize(query)
	if apiErr != nil {
		return listJSON{}, apiErr
	}
	after, apiErr := decodeSkipToken(query.Get("$skiptoken"), listing)
	if apiErr != nil {
		return listJSON{}, apiErr
	}

	slices.SortFunc(items, func(a, b pageItem) int { return strings.Compare(a.key, b.key) })
	start := 0
	if after != "" {
		start = sort.Search(len(items), func(i int) bool { return items[i].key > after })
	}
	end := min(start+pageSize, len(items))

	page := listJSON{Value: make([]bundleJSON, 0, end-start)}
	for _, item := range items[start:end] {
		page.Value = append(page.Value, item.describe())
	}
	if end < len(items) {
		next := nextLink(r, listing, items[end-1].key)
		page.NextLink = &next
	}
	return page, nil
}

// pageSize is Options.PageSize, lowered by a maxresults query parameter.
// NOTE: the service rejects maxresults outside 1 to 25 with 400
// BadParameter; the message is the fake's own.
func (s *Server) pageSize(query url.Values) (int, *apiError) {
	raw := query.Get("maxresults")
	if raw == "" {
		return s.opts.PageSize, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, badParameter(fmt.Sprintf("The maxresults value %q is invalid; use a whole number from 1 to %d.", raw, MaxPageSize))
	}
	return min(n, s.opts.PageSize), nil
}

func decodeSkipToken(raw, listing string) (string, *apiError) {
	if raw == "" {
		return "", nil
	}
	invalid := badParameter(fmt.Sprintf("The $skiptoken %q is invalid; use the nextLink of the previous page unchanged.", raw))
	decoded, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return "", invalid
	}
	var token skipToken
	if err := json.Unmarshal(decoded, &token); err != nil || token.Listing != listing || token.After == "" {
		return "", invalid
	}
	return token.After, nil
}

// nextLink is an absolute URL for the page after the item with key after,
// keeping the request's api-version and maxresults, as the service does.
func nextLink(r *http.Request, listing, after string) string {
	token := marshal(skipToken{Listing: listing, After: after})

	query := r.URL.Query()
	link := baseURL(r) + r.URL.EscapedPath() +
		"?api-version=" + url.QueryEscape(query.Get("api-version")) +
		"&$skiptoken=" + base64.RawURLEncoding.EncodeToString(token)
	if maxResults := query.Get("maxresults"); maxResults != "" {
		link += "&maxresults=" + url.QueryEscape(maxResults)
	}
	return link
}
