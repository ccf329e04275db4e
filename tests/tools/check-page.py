#!/usr/bin/python3
"""check-page.py - what tests/formats.sh asks of a digest's HTML page.

  check-page.py valid PAGE          html5lib (strict) parses it without an error
  check-page.py safe PAGE           only the page's own elements and attributes:
                                    no script, no event handler, no element or
                                    attribute a subject or name could have made
  check-page.py dom DOM JSON        in a browser's DOM dump: one link per series,
                                    to the right lore URL; each bar's width in its
                                    table's proportion
  check-page.py markdown HTML JSON  cmark-gfm's HTML of the Markdown: safe (a URL
                                    in mail's text may be autolinked, as GFM does),
                                    and one link per series to the right URL

Run with Debian's python3 (/usr/bin/python3), which has html5lib.  Prints
what is wrong and exits 1; prints nothing and exits 0 when all is well.
"""
import json
import sys

import html5lib

PAGE_ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p",
    "time", "main", "section", "dl", "div", "dt", "dd", "table", "thead", "tbody",
    "tr", "th", "td", "svg", "rect", "a", "br", "small", "ul", "li", "details",
    "summary", "pre", "footer",
}
PAGE_ATTRIBUTES = {
    "lang", "charset", "name", "content", "class", "id", "viewBox",
    "preserveAspectRatio", "aria-hidden", "x", "y", "width", "height", "href",
    "datetime", "data-label",
}
MARKDOWN_ELEMENTS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td",
                     "a", "br", "ul", "li", "pre", "code", "html", "head", "body"}
MARKDOWN_ATTRIBUTES = {"href", "align", "class"}


def local(name):
    return name.split("}")[-1]


def parse(path):
    with open(path, "rb") as f:
        return html5lib.parse(f.read(), namespaceHTMLElements=False)


def series_link(s):
    """The link a series is shown by: its cover's, else patch 1's, else its first's."""
    if s.get("cover") and s["cover"].get("link"):
        return s["cover"]["link"]
    for p in s["patches"]:
        if p.get("number") == 1 and p.get("link"):
            return p["link"]
    return s["patches"][0].get("link") if s["patches"] else None


def check_safe(root, elements, attributes, bad, schemes=("https://", "mailto:")):
    styles = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # a comment
        tag = local(el.tag)
        if tag not in elements:
            bad.append(f"element <{tag}> is not one the page writes")
        styles += tag == "style"
        for a, v in el.attrib.items():
            a = local(a)
            if a not in attributes or a.lower().startswith("on"):
                bad.append(f"attribute {a}={v!r} on <{tag}> is not one the page writes")
            if a == "href" and not v.startswith(schemes):
                bad.append(f"link {v!r} is not one of {schemes}")
    if styles > 1:
        bad.append(f"{styles} <style> elements, one expected")


def check_links(rows, series, bad, what):
    if len(rows) != len(series):
        bad.append(f"{what}: {len(rows)} rows for {len(series)} series")
    for row, s in zip(rows, series):
        want = series_link(s)
        links = [a.get("href") for a in row.iter("a") if not a.get("href", "").startswith("mailto:")]
        if want and links != [want]:
            bad.append(f"{what}: series {s['title'][:40]!r} links {links}, want [{want}]")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    bad = []
    if mode == "valid":
        parser = html5lib.HTMLParser(strict=False)
        with open(path, "rb") as f:
            parser.parse(f.read())
        for pos, code, data in parser.errors:
            bad.append(f"line {pos[0]} column {pos[1]}: {code} {data}")
    elif mode == "safe":
        check_safe(parse(path), PAGE_ELEMENTS, PAGE_ATTRIBUTES, bad)
    elif mode == "dom":
        root = parse(path)
        doc = json.load(open(sys.argv[3], encoding="utf-8"))
        tables = [t for t in root.iter("table") if "series" in t.get("class", "")]
        rows = list(tables[0].find("tbody").iter("tr")) if tables else []
        check_links(rows, doc["series"], bad, "patch list")
        for t in (t for t in root.iter("table") if "tally" in t.get("class", "")):
            pairs = []
            for tr in t.iter("tr"):
                n = [td for td in tr.iter("td") if td.get("class") == "n"]
                rect = [r for r in tr.iter() if isinstance(r.tag, str) and local(r.tag) == "rect"]
                pairs.append((int(n[0].text), float(rect[0].get("width"))))
            top = max(n for n, _ in pairs)
            for n, w in pairs:
                if abs(w - 100.0 * n / top) > 0.01:
                    bad.append(f"a bar of {n} (top {top}) is {w} wide, want {100.0 * n / top:.2f}")
        if not any(True for t in root.iter("table") if "tally" in t.get("class", "")):
            bad.append("no table of counts")
    elif mode == "markdown":
        root = parse(path)
        doc = json.load(open(sys.argv[3], encoding="utf-8"))
        # GFM's autolinks make a URL written in mail (a subject's, a
        # commit message's) a link to itself: http too, never javascript:
        check_safe(root, MARKDOWN_ELEMENTS, MARKDOWN_ATTRIBUTES, bad,
                   ("https://", "http://", "mailto:"))
        # a list item's text from mail starts no block of its own
        for li in root.iter("li"):
            for el in li.iter():
                if isinstance(el.tag, str) and local(el.tag) in ("h1", "h2", "h3", "h4", "h5", "h6",
                                                                 "ul", "ol", "hr", "pre", "blockquote"):
                    bad.append(f"a list item holds <{local(el.tag)}>: {''.join(li.itertext())[:60]!r}")
        tables = [t for t in root.iter("table") if t.find("thead") is not None
                  and "Series" in "".join(t.find("thead").itertext())]
        rows = list(tables[0].find("tbody").iter("tr")) if tables and tables[0].find("tbody") is not None else []
        check_links(rows, doc["series"], bad, "markdown patch list")
    else:
        sys.exit(__doc__)
    for b in bad[:20]:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
