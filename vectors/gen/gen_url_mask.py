"""Vectors for credential masking in logged URLs (THREATS.md, Secrets: URL credentials).

`url.mask` gives the copy of a URL that audit lines, approval requests, logs and errors show:
user info and secret-looking parameters of the query and the fragment become `***`. The
request itself still goes to the raw URL (see the driver scenarios).
"""
from common import case, write

M = "***"


def mask(comment, url, out, flags=()):
    return case(comment, {"url": url}, {"url": out, "masked": out != url}, flags)


userinfo = [
    mask("user and password", "https://bob:hunter2@api.example/x", f"https://{M}@api.example/x"),
    mask("user only", "https://token123@api.example/", f"https://{M}@api.example/"),
    mask("the last @ of the authority ends the user info", "https://a@b:c@api.example/x",
         f"https://{M}@api.example/x", ["Hostile"]),
    mask("an @ in the path is not user info", "https://api.example/u/a@b", "https://api.example/u/a@b", ["Negative"]),
    mask("a backslash ends the authority", "https://evil.example\\@good.example/x",
         "https://evil.example\\@good.example/x", ["Negative"]),
]
params = [
    mask("api_key", "https://api.example/x?api_key=sk_live_1&q=1", f"https://api.example/x?api_key={M}&q=1"),
    mask("case-insensitive names", "https://api.example/x?API_KEY=1&Token=2&PassWord=3",
         f"https://api.example/x?API_KEY={M}&Token={M}&PassWord={M}"),
    mask("every name of the table",
         "https://a.example/?apikey=1&key=2&access_token=3&auth=4&secret=5&sig=6&signature=7",
         f"https://a.example/?apikey={M}&key={M}&access_token={M}&auth={M}&secret={M}&sig={M}&signature={M}"),
    mask("name endings: _key, _token, _secret", "https://a.example/?stripe_key=1&github-token=2&client.secret=3",
         f"https://a.example/?stripe_key={M}&github-token={M}&client.secret={M}"),
    mask("form-encoded names", "https://a.example/?api%5Fkey=1&access%5ftoken=2&api+key=3",
         f"https://a.example/?api%5Fkey={M}&access%5ftoken={M}&api+key={M}", ["Evasion"]),
    mask("semicolon separators", "https://a.example/?q=1;token=abc", f"https://a.example/?q=1;token={M}"),
    mask("fragment parameters (OAuth implicit flow)", "https://a.example/cb#access_token=abc&state=xyz",
         f"https://a.example/cb#access_token={M}&state=xyz"),
    mask("an empty value is still masked", "https://a.example/?token=", f"https://a.example/?token={M}"),
    mask("a name without a value is kept", "https://a.example/?token", "https://a.example/?token", ["Negative"]),
    mask("ordinary parameters are kept", "https://a.example/x?q=weather&page=2&monkey=1",
         "https://a.example/x?q=weather&page=2&monkey=1", ["Negative"]),
    mask("everything at once", "http://u:p@127.0.0.1:4021/w?api_key=k&q=1#sig=s",
         f"http://{M}@127.0.0.1:4021/w?api_key={M}&q=1#sig={M}"),
    mask("not a URL: only parameters are looked at", "no url here", "no url here", ["Negative"]),
    case("an oversized text is masked whole", {"url": "https://a.example/?q=" + "a" * 32768},
         {"url": M, "masked": True},
         ["Cap"]),
    case("missing url is invalid input", {"text": "x"}, code="invalid-input"),
]

if __name__ == "__main__":
    write("url-mask.json", "url.mask",
          ["Credentials in a URL are masked in the copy every log, audit line and approval request shows."],
          [{"type": "UserInfo", "tests": userinfo}, {"type": "Params", "tests": params}],
          {"Hostile": "An attack on the masking.", "Negative": "Nothing to mask.", "Evasion": "An encoded name.",
           "Cap": "A size cap."})
