"""The syndication endpoint's ``token``: JavaScript's float-to-base-36, ported exactly.

X's embed computes ``((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, '')``.
``Number.prototype.toString(36)`` on a non-integer prints the shortest digits that read back
as the same double (V8's ``DoubleToRadixCString``); this is that algorithm, step for step, in
IEEE doubles, so every id gives the browser's token.
"""

from __future__ import annotations

import math

__all__ = ["js_double_to_radix", "syndication_token"]

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_TWO_53 = float(2**53)


def syndication_token(tweet_id: str | int) -> str:
    """The token for ``tweet_id``: ``20`` → ``6dq1a2xwd93``."""
    value = (float(int(tweet_id)) / 1e15) * math.pi
    return js_double_to_radix(value, 36).replace("0", "").replace(".", "")


def js_double_to_radix(value: float, radix: int) -> str:
    """``value.toString(radix)`` as V8 prints it, for finite non-negative doubles."""
    if not math.isfinite(value) or value < 0:
        raise ValueError("only finite non-negative doubles")
    integer = float(math.floor(value))
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    fraction_digits: list[str] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(_DIGITS[digit])
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                integer = _round_up(fraction_digits, integer, radix)
                break
            if fraction < delta:
                break
    integer_digits: list[str] = []
    while integer / radix >= _TWO_53:  # digits below a double's precision print as zeros
        integer /= radix
        integer_digits.append("0")
    while True:
        remainder = math.fmod(integer, radix)
        integer_digits.append(_DIGITS[int(remainder)])
        integer = (integer - remainder) / radix
        if integer <= 0:
            break
    text = "".join(reversed(integer_digits))
    return f"{text}.{''.join(fraction_digits)}" if fraction_digits else text


def _round_up(digits: list[str], integer: float, radix: int) -> float:
    """Carry a rounding up through the fraction digits written so far (V8's back-trace)."""
    while digits:
        digit = _DIGITS.index(digits.pop())
        if digit + 1 < radix:
            digits.append(_DIGITS[digit + 1])
            return integer
    return integer + 1
