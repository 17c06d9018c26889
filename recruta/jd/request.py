"""The structured fields a recruiter fills in for a job description, validated by pydantic constraints.

Limits and allowed values are declared on the fields (``Field``/``StringConstraints``, ``Literal``). What a
constraint cannot say is done by small "before" functions: collapsing runs of whitespace, blank optional text
meaning "not given", case-insensitive deduplication of lists (before their length is checked), and the
synonyms of the work model. One wrap validator turns pydantic's generic errors ("String should have at least 1
character") into sentences that name the field and the rule ("title must not be blank"); it is part of the
model, so the same messages reach a client through :func:`parse_request` and through BentoML, which validates
``JDRequest`` itself before the endpoint runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from recruta.core.errors import InvalidInput
from recruta.text.fold import fold

Language = Literal["pt", "en", "es"]
Remote = Literal["remoto", "hibrido", "presencial"]
LANGUAGES: tuple[str, ...] = get_args(Language)
MAX_MONEY = 1e9

_REMOTE_SYNONYMS = {
    "remoto": "remoto",
    "remote": "remoto",
    "home office": "remoto",
    "teletrabajo": "remoto",
    "hibrido": "hibrido",
    "hybrid": "hibrido",
    "presencial": "presencial",
    "onsite": "presencial",
    "on-site": "presencial",
    "on site": "presencial",
    "in office": "presencial",
    "in-office": "presencial",
}
# The rule of a field whose every failure (wrong type, out of range, not allowed) is best told by one sentence.
_RULES = {
    "years_experience": "a whole number from 0 to 50",
    "language": f"one of {', '.join(LANGUAGES)}",
    "remote": "one of remoto/remote, hibrido/híbrido/hybrid, presencial/onsite",
    "currency": "a 3-letter ISO code such as BRL, USD or EUR",
}


class JDError(InvalidInput):
    """Bad input for a job description (the message says which field and why)."""


# --------------------------------------------------------------------------- what constraints cannot say
def _squash(value: object) -> object:
    """Collapse runs of whitespace (a constraint can strip the ends of a text, not its middle)."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _optional(value: object) -> object:
    """Blank optional text was not given."""
    value = _squash(value)
    return None if value == "" else value


def _distinct(value: object) -> object:
    """A list of texts without case-insensitive repeats, in order; None is an empty list."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return value
    out: list[object] = []
    seen: set[str] = set()
    for item in map(_squash, value):
        if isinstance(item, str) and item:
            if item.casefold() in seen:
                continue
            seen.add(item.casefold())
        out.append(item)
    return out


def _choice(default: str) -> Callable[[object], object]:
    """A before-function for a closed set: None is ``default``, text is stripped and lowercased."""

    def norm(value: object) -> object:
        if value is None:
            return default
        return value.strip().lower() if isinstance(value, str) else value

    return norm


def _remote(value: object) -> object:
    if not isinstance(value, str):
        return value
    key = " ".join(fold(value).split())
    return None if not key else _REMOTE_SYNONYMS.get(key, value)


def _currency(value: object) -> object:
    return "BRL" if value is None else value


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length)


_Title = Annotated[str, _text(150), BeforeValidator(_squash)]
_Skills = Annotated[list[Annotated[str, _text(80)]], Field(max_length=40), BeforeValidator(_distinct)]
_Items = Annotated[list[Annotated[str, _text(200)]], Field(max_length=30), BeforeValidator(_distinct)]
_Money = Annotated[float | None, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
_BLANK_IS_NONE = BeforeValidator(_optional)


class JDRequest(BaseModel):
    """The structured fields a recruiter fills in. Unknown fields are rejected; text is stripped."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: _Title
    years_experience: Annotated[int | None, Field(ge=0, le=50, description=_RULES["years_experience"])] = None
    skills: _Skills = []
    company: Annotated[Annotated[str, StringConstraints(max_length=200)] | None, _BLANK_IS_NONE] = None
    company_description: Annotated[Annotated[str, StringConstraints(max_length=1000)] | None, _BLANK_IS_NONE] = None
    job_type: Annotated[Annotated[str, StringConstraints(max_length=80)] | None, _BLANK_IS_NONE] = None
    location: Annotated[Annotated[str, StringConstraints(max_length=200)] | None, _BLANK_IS_NONE] = None
    remote: Annotated[Remote | None, Field(description=_RULES["remote"]), BeforeValidator(_remote)] = None
    salary_min: _Money = None
    salary_max: _Money = None
    currency: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$"),
        Field(description=_RULES["currency"]),
        BeforeValidator(_currency),
    ] = "BRL"
    benefits: _Items = []
    language: Annotated[Language, Field(description=_RULES["language"]), BeforeValidator(_choice("pt"))] = "pt"
    nice_to_have: _Items = []

    @model_validator(mode="after")
    def _salary_order(self) -> JDRequest:
        """A rule between two fields, which no field constraint can state."""
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValueError(f"salary_min ({self.salary_min:g}) must not exceed salary_max ({self.salary_max:g})")
        return self

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None


FIELDS: tuple[str, ...] = tuple(JDRequest.model_fields)


def _sentence(err: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence naming the field ("skills[1] must not be blank")."""
    loc = [str(p) for p in err["loc"]]
    name = "".join(f"[{p}]" if p.isdigit() else p for p in loc)
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    got = type(value).__name__
    if kind == "missing":
        return f"{name}: is required"
    if kind == "extra_forbidden":
        return f"{name}: unknown field (allowed: {', '.join(FIELDS)})"
    if not name:  # a rule over the whole request (salary order)
        return str(err["msg"]).removeprefix("Value error, ")
    if loc[0] in _RULES and len(loc) == 1:
        return f"{name} must be {_RULES[loc[0]]}, got {value!r}"
    if value is None and kind in ("string_type", "list_type"):
        return f"{name} is required"
    messages = {
        "string_type": f"{name} must be text, got {got}",
        "list_type": f"{name} must be a list of texts, got {got}",
        "string_too_short": f"{name} must not be blank",
        "string_too_long": f"{name} is too long ({len(value) if isinstance(value, str) else '?'} characters, "
        f"at most {ctx.get('max_length')})",
        "too_long": f"{name} has {ctx.get('actual_length')} items, at most {ctx.get('max_length')}",
        "float_type": f"{name} must be a number, got {got}",
        "finite_number": f"{name} must be a finite number",
        "greater_than_equal": f"{name} must not be negative"
        if ctx.get("ge") == 0
        else f"{name} must be at least {ctx.get('ge')}",
        "less_than_equal": f"{name} is too large (at most {ctx.get('le', 0):,.0f})",
    }
    return messages.get(kind, f"{name}: {err['msg']}")


def parse_request(data: JDRequest | Mapping[str, Any]) -> JDRequest:
    """Validate a request (e.g. a JSON body); errors become one :class:`JDError` naming each bad field."""
    if isinstance(data, JDRequest):
        return data
    if not isinstance(data, Mapping):
        raise JDError(f"expected an object with the job fields, got {type(data).__name__}")
    try:
        return JDRequest.model_validate(dict(data))
    except ValidationError as exc:
        raise JDError("; ".join(_sentence(err) for err in exc.errors())) from None


__all__ = ["FIELDS", "LANGUAGES", "JDError", "JDRequest", "Language", "Remote", "parse_request"]
