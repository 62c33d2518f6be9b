"""Replaces the values of secret environment variables by [REDACTED] in everything the kernel sends.

Hub Notebooks redacts outputs in VS Code itself. This IPython extension does the same inside the kernel, for
the users who open the same hub in JupyterLab, so that a cell printing `os.environ['TEAM_API_KEY']` saves no
key into a notebook there either. It reads the names of the secret variables from HUB_NOTEBOOKS_REDACT_ENV
(comma-separated, e.g. `TEAM_API_KEY,DB_PASSWORD`) and their values from the kernel's environment when it
loads, then rewrites every message the kernel's session sends:

- `stream` text (stdout and stderr, including what C libraries and subprocesses write to the file
  descriptors, which ipykernel forwards as stream messages). A value split across two stream messages
  (`print(k[:5], end='', flush=True)` and then the rest) is caught too: an end of a message that could be the
  start of a value is held back and sent with the next message, or before any other message (the `idle`
  status that ends every request among them);
- `display_data`, `execute_result` and `update_display_data`: every text and JSON MIME type and the
  metadata; binary images (base64 of pixels) are left alone;
- `error`, and the error fields of `execute_reply`: name, message and traceback;
- `inspect_reply` (the help a tooltip shows for a variable).

Besides the value itself it finds the forms a print shows it in: `repr()`, `json.dumps()` (with and without
ensure_ascii), URL encoding (`quote`, `quote_plus`) and HTML escaping. Values shorter than 4 characters are
ignored: they would redact ordinary text, and say nothing about a secret.

It guards against accidents, not against code that sets out to leak a value: printed reversed, base64- or
hex-encoded, one character per line, drawn in a plot or sent elsewhere over the network, a value is not
recognised. `user_expressions` results are left as they are (they go only to the client that asked).

An IPython extension for ipykernel 6.x (tested with 6.17 and 6.31). Enable it with `%load_ext
hub_notebooks_redact`, `--ext=hub_notebooks_redact` in the kernel's command line, or
`c.InteractiveShellApp.extensions = ['hub_notebooks_redact']` in an `ipython_kernel_config.py`; README.md
next to this file shows each. It adds no handlers, messages or files, and logs only the names.
"""

import functools
import html
import json
import os
import threading
import urllib.parse

ENV_NAMES = 'HUB_NOTEBOOKS_REDACT_ENV'
REDACTED = '[REDACTED]'
MIN_LENGTH = 4
# Marks the wrapped `send`, which keeps the original so that reloading replaces the wrapper, and the function
# that sends what it holds back before it goes.
_MARK = '_hub_notebooks_redact_original'
_FLUSH = '_hub_notebooks_redact_flush'
_RICH_TYPES = {'display_data', 'execute_result', 'update_display_data', 'inspect_reply'}
_ERROR_TYPES = {'error', 'execute_reply'}


def load_ipython_extension(ipython):
    """Wraps the kernel session's `send` with a redactor of the variables HUB_NOTEBOOKS_REDACT_ENV names."""
    session = getattr(getattr(ipython, 'kernel', None), 'session', None)
    log = getattr(getattr(ipython, 'kernel', None), 'log', None)
    if session is None:
        # A terminal IPython prints straight to the terminal, where nothing is saved: nothing to do.
        return
    names = [name.strip() for name in os.environ.get(ENV_NAMES, '').split(',') if name.strip()]
    values = {name: os.environ.get(name, '') for name in names}
    redactor = Redactor(values.values())
    _unwrap(session)
    _wrap(session, redactor)
    if log is not None:
        skipped = [name for name, value in values.items() if len(value) < MIN_LENGTH]
        log.info('hub_notebooks_redact: redacting %s; unset or too short: %s', names, skipped)


def unload_ipython_extension(ipython):
    """Puts the session's own `send` back."""
    session = getattr(getattr(ipython, 'kernel', None), 'session', None)
    if session is not None:
        _unwrap(session)


def printed_forms(value):
    """The value and the forms a print, a repr, a JSON dump, a URL or HTML shows it in, without duplicates."""
    forms = {
        value,
        repr(value)[1:-1],
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
        html.escape(value, quote=False).replace('"', '&#34;').replace("'", '&#39;'),
    }
    # quote() encodes to UTF-8, which a value holding lone surrogates (surrogateescape) cannot be.
    quotes = [('/', urllib.parse.quote), ('', urllib.parse.quote), ('', urllib.parse.quote_plus)]
    # The last one writes what JavaScript's encodeURIComponent does.
    for safe, quote in quotes + [("!*'()", urllib.parse.quote)]:
        try:
            forms.add(quote(value, safe=safe))
        except UnicodeEncodeError:
            pass
    return forms


class Redactor:
    """Finds every occurrence of the values' forms, overlapping ones merged, and replaces each run of them."""

    def __init__(self, values):
        forms = set()
        for value in values:
            if len(value) >= MIN_LENGTH:
                forms.update(printed_forms(value))
        self.forms = sorted(forms, key=len, reverse=True)
        # The proper starts of each form by their last character, longest first: `partial_end` then looks
        # only at the starts that end like the text does.
        starts = {}
        for form in self.forms:
            for length in range(1, len(form)):
                starts.setdefault(form[length - 1], set()).add(form[:length])
        self.starts = {last: sorted(group, key=len, reverse=True) for last, group in starts.items()}

    def spans(self, text):
        """Merged [start, end) ranges of every occurrence, in order."""
        found = []
        for form in self.forms:
            at = text.find(form)
            while at != -1:
                found.append((at, at + len(form)))
                at = text.find(form, at + 1)
        found.sort()
        merged = []
        for start, end in found:
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return merged

    def redact(self, text):
        if not self.forms or not isinstance(text, str):
            return text
        parts = []
        at = 0
        for start, end in self.spans(text):
            parts.append(text[at:start])
            parts.append(REDACTED)
            at = end
        parts.append(text[at:])
        return ''.join(parts)

    def partial_end(self, text):
        """How many characters at the end of `text`, after its last whole occurrence, start a form."""
        if not text:
            return 0
        spans = self.spans(text)
        tail_from = spans[-1][1] if spans else 0
        for start in self.starts.get(text[-1], ()):
            if len(start) <= len(text) - tail_from and text.endswith(start):
                return len(start)
        return 0

    def redact_json(self, value):
        """A JSON value with every string in it redacted, keys included."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_json(item) for item in value]
        if isinstance(value, dict):
            return {self.redact_json(key): self.redact_json(item) for key, item in value.items()}
        return value

    def redact_bundle(self, data):
        """A MIME bundle with its text and JSON values redacted; base64 images are left alone."""
        result = {}
        for mime, value in data.items():
            binary = mime.startswith('image/') and mime != 'image/svg+xml' and not mime.endswith('+json')
            if binary:
                result[mime] = value
            elif isinstance(value, list) and all(isinstance(part, str) for part in value):
                # nbformat's list of lines is one text: a value may be split across two of its strings.
                result[mime] = self.redact(''.join(value))
            else:
                result[mime] = self.redact_json(value)
        return result

    def redact_content(self, msg_type, content):
        """The content of a message of `msg_type`, redacted where it can hold output text."""
        if not isinstance(content, dict):
            return content
        content = dict(content)
        if msg_type in _RICH_TYPES:
            if isinstance(content.get('data'), dict):
                content['data'] = self.redact_bundle(content['data'])
            if 'metadata' in content:
                content['metadata'] = self.redact_json(content['metadata'])
        if msg_type in _ERROR_TYPES:
            for key in ('ename', 'evalue', 'traceback'):
                if key in content:
                    content[key] = self.redact_json(content[key])
        return content


def _wrap(session, redactor):
    """Replaces `session.send` by one that redacts and holds back stream text that could start a value."""
    original = session.send
    # The IO thread sends stream text while the main thread sends everything else: one lock orders both.
    lock = threading.RLock()
    pending = {}  # stream name → (socket, parent, ident, text held back)

    def send_pending(keep=None):
        for name in [name for name in pending if name != keep]:
            stream, parent, ident, text = pending.pop(name)
            content = {'name': name, 'text': redactor.redact(text)}
            original(stream, 'stream', content, parent=parent, ident=ident)

    def stream_text(stream, name, text, parent, ident):
        """The redacted text to send now for this stream message; what could start a value waits."""
        send_pending(keep=name)
        held = pending.pop(name, None)
        if held is not None and _msg_id(held[1]) == _msg_id(parent):
            text = held[3] + text
        elif held is not None:
            pending[name] = held
            send_pending()
        cut = len(text) - redactor.partial_end(text)
        if cut < len(text):
            pending[name] = (stream, parent, ident, text[cut:])
        return redactor.redact(text[:cut]) if cut > 0 else None

    @functools.wraps(original)
    def send(stream, msg_or_type, content=None, parent=None, ident=None, *args, **kwargs):
        # ipykernel 6.17 passes a type and a content; 6.31's streams and the display hook pass whole messages.
        whole = not isinstance(msg_or_type, str)
        msg_type = msg_or_type.get('header', {}).get('msg_type') if whole else msg_or_type
        body = msg_or_type.get('content') if whole else content
        with lock:
            if msg_type == 'stream' and isinstance(body, dict) and isinstance(body.get('text'), str):
                origin = msg_or_type.get('parent_header') if whole else parent
                text = stream_text(stream, body.get('name'), body['text'], origin, ident)
                if text is None:
                    return None
                body = dict(body, text=text)
            else:
                send_pending()
                body = redactor.redact_content(msg_type, body)
            if whole:
                msg_or_type = dict(msg_or_type, content=body)
            else:
                content = body
            return original(stream, msg_or_type, content, parent, ident, *args, **kwargs)

    def flush():
        with lock:
            send_pending()

    if redactor.forms:
        setattr(send, _MARK, original)
        setattr(send, _FLUSH, flush)
        session.send = send


def _unwrap(session):
    original = getattr(session.send, _MARK, None)
    if original is not None:
        getattr(session.send, _FLUSH)()
        session.send = original


def _msg_id(parent):
    """The msg_id of a parent message or header, whichever ipykernel passed."""
    if not isinstance(parent, dict):
        return None
    return parent.get('header', parent).get('msg_id')
