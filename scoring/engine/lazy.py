"""Explanations written on first read.

Formatting the Chinese explanation of every indicator (each amount, rate and band) was most of the time spent
scoring, and most sheets are scored to show a total or a few lines. So a rule records *what* to say and the text is
written the first time ``explanation`` is read, then kept.

What a rule records (``Text``) is a finished string, a deferred piece — a tuple ``(function, *arguments)``, called
as ``function(*arguments)`` and returning a string (a tuple rather than ``functools.partial``: cheaper to build) —
or a list of strings and deferred pieces, joined in order. A deferred piece holds the figures it shows (Decimals,
which never change), never the caller's facts mapping, so reading later gives the text that reading at once would
have given. A zero-argument callable is accepted as a piece too.
"""

Text = str | tuple | list


def _piece(piece: object) -> str:
    if piece.__class__ is str:
        return piece
    if piece.__class__ is tuple:
        return piece[0](*piece[1:])
    return piece()


def render(text: Text) -> str:
    if text.__class__ is str:
        return text
    if text.__class__ is tuple:
        return text[0](*text[1:])
    return "".join([_piece(piece) for piece in text])


def append(text: Text, piece: object) -> Text:
    """``text`` followed by ``piece``; a list is extended in place (each list belongs to one outcome or line)."""
    if text.__class__ is list:
        text.append(piece)
        return text
    if text.__class__ is str and piece.__class__ is str:
        return text + piece
    return [text, piece]
