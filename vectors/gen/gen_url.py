"""Vectors for URL normalisation and per-endpoint key matching (THREATS.md, Policy)."""
from common import case, write

norm = [
    case("scheme and host lower-cased, default port dropped", {"url": "HTTPS://API.Example.COM:443/x"},
         {"url": "https://api.example.com/x", "origin": "https://api.example.com"}),
    case("http default port", {"url": "http://a.example:80"}, {"url": "http://a.example/"}),
    case("non-default port kept", {"url": "https://a.example:8443/p"}, {"origin": "https://a.example:8443"}),
    case("user info dropped", {"url": "https://user:pw@a.example/p"}, {"url": "https://a.example/p"}),
    case("fragment dropped", {"url": "https://a.example/p?q=1#frag"}, {"url": "https://a.example/p?q=1"}),
    case("dot segments removed", {"url": "https://a.example/a/./b/../c"}, {"path": "/a/c"}),
    case("escaped dot segments removed", {"url": "https://a.example/a/%2e%2E/c"}, {"path": "/c"}),
    case("unreserved escapes decoded", {"url": "https://a.example/%7Euser/%61"}, {"path": "/~user/a"}),
    case("reserved escapes upper-cased", {"url": "https://a.example/a%2fb?x=%3d"}, {"url": "https://a.example/a%2Fb?x=%3D"}),
    case("trailing dot of host", {"url": "https://a.example./x"}, {"origin": "https://a.example"}),
    case("backslash is a path separator", {"url": "https://evil.example\\@good.example/x"},
         {"origin": "https://evil.example"}),
    case("IPv6 host", {"url": "https://[::1]:8443/a"}, {"origin": "https://[::1]:8443"}),
] + [case("rejects " + u, {"url": u}, code="url-invalid", flags=["Hostile"]) for u in [
    "ftp://a.example/", "https://", "https:///x", "https://a b/", "https://a:99999/", "https://a:x/",
    "https://[zz]/", "https://a/%zz", "https://a%2eb/", "//a/b", "https://a..b/", "javascript:alert(1)",
    "https://a/\u0000", "https://.a/",
]]

K = "https://premium-api.io"
match = [
    case("upper-case host matches", {"key": K, "url": "https://PREMIUM-API.io/x"}, {"matches": True}),
    case("explicit default port matches", {"key": K, "url": "https://premium-api.io:443/x"}, {"matches": True}),
    case("root path matches", {"key": K, "url": "https://premium-api.io"}, {"matches": True}),
    case("suffix domain does not match", {"key": K, "url": "https://premium-api.io.evil.com/x"}, {"matches": False}, ["Hostile"]),
    case("longer host does not match", {"key": K, "url": "https://premium-api.iox/x"}, {"matches": False}, ["Hostile"]),
    case("other scheme does not match", {"key": K, "url": "http://premium-api.io/x"}, {"matches": False}),
    case("other port does not match", {"key": K, "url": "https://premium-api.io:8443/x"}, {"matches": False}),
    case("user info cannot fake the host", {"key": K, "url": "https://premium-api.io@evil.com/x"}, {"matches": False}, ["Hostile"]),
    case("real host after user info matches", {"key": K, "url": "https://evil.com@premium-api.io/x"}, {"matches": True}),
    case("backslash trick does not match", {"key": K, "url": "https://evil.com\\@premium-api.io/x"}, {"matches": False}, ["Hostile"]),
    case("key canonical form", {"key": "HTTPS://Premium-API.io:443/v1/", "url": "https://premium-api.io/v1"},
         {"matches": True, "key": "https://premium-api.io/v1"}),
    case("prefix: exact path", {"key": K + "/v1", "url": "https://premium-api.io/v1"}, {"matches": True}),
    case("prefix: below a / boundary", {"key": K + "/v1", "url": "https://premium-api.io/v1/data"}, {"matches": True}),
    case("prefix: shared prefix without boundary", {"key": K + "/v1", "url": "https://premium-api.io/v10/data"},
         {"matches": False}, ["Hostile"]),
    case("prefix: dot segments cannot escape", {"key": K + "/v1", "url": "https://premium-api.io/v1/../admin"},
         {"matches": False}, ["Hostile"]),
    case("prefix: dot segments into the prefix", {"key": K + "/v1", "url": "https://premium-api.io/x/../v1/a"},
         {"matches": True}),
    case("prefix: escaped unreserved chars", {"key": K + "/v1", "url": "https://premium-api.io/%76%31/a"}, {"matches": True}),
    case("prefix: escaped slash is not a boundary", {"key": K + "/v1", "url": "https://premium-api.io/v1%2Fa"},
         {"matches": False}, ["Hostile"]),
    case("key with a query is refused", {"key": K + "/?a=1", "url": "https://premium-api.io/"}, code="config-bad-endpoint"),
    case("non-http key is refused", {"key": "premium-api.io", "url": "https://premium-api.io/"}, code="config-bad-endpoint"),
]

write("url-normalize.json", "url.normalize", ["URL normal form used for matching and fingerprints."],
      [{"tests": norm}], {"Hostile": "An input crafted to confuse URL parsers."})
write("url-endpoint-match.json", "url.endpoint-match",
      ["per_endpoint keys match by normalised origin plus an optional path prefix on a / boundary."],
      [{"tests": match}], {"Hostile": "A near-miss that a bare string prefix would wrongly match."})
