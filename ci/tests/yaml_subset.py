"""A small YAML reader for the subset the CI files use (no PyYAML here or on a stock runner).

Supported: block mappings and sequences by indentation (a sequence may sit at its key's
indentation), `- key: value` items, plain / single-quoted / double-quoted scalars, flow
sequences of scalars (`[a, b]`), block scalars (`|`, `|-`, `>`, `>-`), comments, `true`/`false`.
Anything else (anchors, flow mappings, multi-document files, tags) raises YamlError, so a CI
file that drifts out of the subset is noticed instead of misread. Scalars other than booleans
stay strings.
"""

import re


class YamlError(Exception):
    pass


_KEY = re.compile(r"^([A-Za-z0-9_.-]+|'[^']*'|\"[^\"]*\"):(?:\s+|$)(.*)$")


def _strip_comment(text):
    """Drops a trailing comment outside quotes."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


class _Line:
    def __init__(self, number, indent, text):
        self.number, self.indent, self.text = number, indent, text


def loads(source):
    raw = source.split("\n")
    lines = []
    for number, line in enumerate(raw, 1):
        if "\t" in line[:len(line) - len(line.lstrip())]:
            raise YamlError("line %d: tab in indentation" % number)
        text = _strip_comment(line)
        if text.strip() in ("---", "..."):
            raise YamlError("line %d: document markers are outside the subset" % number)
        lines.append(_Line(number, len(line) - len(line.lstrip(" ")), text.strip()))
    parser = _Parser(lines, raw)
    parser.skip_blank()
    if parser.pos >= len(lines):
        return None
    value = parser.block(lines[parser.pos].indent)
    parser.skip_blank()
    if parser.pos < len(lines):
        raise YamlError("line %d: unexpected indentation" % lines[parser.pos].number)
    return value


class _Parser:
    def __init__(self, lines, raw):
        self.lines, self.raw, self.pos = lines, raw, 0

    def skip_blank(self):
        while self.pos < len(self.lines) and not self.lines[self.pos].text:
            self.pos += 1

    def current(self):
        self.skip_blank()
        return self.lines[self.pos] if self.pos < len(self.lines) else None

    def block(self, indent):
        line = self.current()
        if line.text == "-" or line.text.startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def sequence(self, indent):
        items = []
        while True:
            line = self.current()
            if line is None or line.indent != indent or not (line.text == "-" or line.text.startswith("- ")):
                if line is not None and line.indent > indent:
                    raise YamlError("line %d: unexpected indentation" % line.number)
                return items
            rest = line.text[1:].lstrip()
            if not rest:
                self.pos += 1
                nxt = self.current()
                if nxt is None or nxt.indent <= indent:
                    items.append(None)
                else:
                    items.append(self.block(nxt.indent))
                continue
            # "- rest": parse rest as if it stood on its own line, indented past the dash.
            inner = indent + (len(line.text) - len(rest))
            line.indent, line.text = inner, rest
            if _KEY.match(rest):
                items.append(self.mapping(inner))
            else:
                self.pos += 1
                items.append(self.scalar(rest, line, indent))

    def mapping(self, indent):
        result = {}
        while True:
            line = self.current()
            if line is None or line.indent < indent:
                return result
            if line.indent > indent:
                raise YamlError("line %d: unexpected indentation" % line.number)
            if line.text.startswith("- "):
                return result       # a sequence at the parent key's indentation ends here
            m = _KEY.match(line.text)
            if not m:
                raise YamlError("line %d: expected 'key: value', found %r" % (line.number, line.text))
            key, rest = m.group(1).strip("'\""), m.group(2).strip()
            if key in result:
                raise YamlError("line %d: duplicate key %r" % (line.number, key))
            self.pos += 1
            if rest:
                result[key] = self.scalar(rest, line, indent)
                continue
            nxt = self.current()
            if nxt is not None and (nxt.indent > indent or
                                    (nxt.indent == indent and (nxt.text == "-" or nxt.text.startswith("- ")))):
                result[key] = self.block(nxt.indent)
            else:
                result[key] = None

    def scalar(self, text, line, parent_indent):
        if text[0] in "|>":
            return self.block_scalar(text, line, parent_indent)
        if text[0] in "&*!{":
            raise YamlError("line %d: %r is outside the subset" % (line.number, text))
        if text.startswith("["):
            if not text.endswith("]"):
                raise YamlError("line %d: flow sequences must fit on one line" % line.number)
            body = text[1:-1].strip()
            return [_plain(p.strip(), line) for p in body.split(",")] if body else []
        return _plain(text, line)

    def block_scalar(self, header, line, parent_indent):
        if header not in ("|", "|-", ">", ">-"):
            raise YamlError("line %d: block scalar header %r is outside the subset" % (line.number, header))
        body = []
        while self.pos < len(self.lines):
            cand = self.lines[self.pos]
            raw = self.raw[cand.number - 1]
            if raw.strip() and (len(raw) - len(raw.lstrip(" "))) <= parent_indent:
                break
            body.append(raw)
            self.pos += 1
        while body and not body[-1].strip():
            body.pop()
        width = min((len(b) - len(b.lstrip(" ")) for b in body if b.strip()), default=0)
        body = [b[width:] for b in body]
        if header.startswith(">"):
            text = " ".join(b.strip() for b in body if b.strip())
        else:
            text = "\n".join(body)
        return text if header.endswith("-") else text + "\n"


def _plain(text, line):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"').replace("\\\\", "\\")
    if text[0] in "'\"":
        raise YamlError("line %d: unterminated quoted scalar" % line.number)
    if text in ("true", "false"):
        return text == "true"
    return text
