"""What the search page adds to the search API: a query string read leniently from an HTML
form, errors by field in plain words, facet links and page links.

The rules themselves (which parameters exist, their ranges, a VIN or a make/model/year) are the
API's: `search_request_from` is called unchanged, so the page and the API cannot disagree.
"""

from dataclasses import dataclass
from math import ceil

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from catalog.api.search import search_request_from
from catalog.models import Condition, Grade
from catalog.search.query import MAX_PAGE, SearchRequest, SearchResult
from marketplace.errors import DomainError

CONDITION_LABELS = dict(Condition.choices)
GRADE_LABELS = dict(Grade.choices)
FACET_TITLES = {
    "condition": gettext_lazy("Condition"),
    "grade": gettext_lazy("Grade"),
    "part_type": gettext_lazy("Part type"),
    "make": gettext_lazy("Make"),
    "seller_kind": gettext_lazy("Seller"),
    "certified": gettext_lazy("Certified"),
    "price_band": gettext_lazy("Price"),
}
# Facets whose value is itself a filter the search takes, and whether it may repeat.
LIST_FILTERS = frozenset({"condition", "grade", "part_type"})
SELLER_KIND_LABELS = {
    "business": gettext_lazy("Business"),
    "individual": gettext_lazy("Private seller"),
}


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    title: str
    links: tuple[FacetLink, ...]


@dataclass(frozen=True)
class PageLinks:
    number: int
    pages: int
    previous_url: str
    next_url: str


def form_params(query: QueryDict) -> QueryDict:
    """The query string without the empty values an HTML form submits for untouched fields."""
    params = QueryDict(mutable=True)
    for name in query:
        values = [value.strip() for value in query.getlist(name) if value.strip()]
        if values:
            params.setlist(name, values)
    return params


def with_point(params: QueryDict, latitude, longitude) -> QueryDict:
    """The query with the point distances are measured from."""
    pointed = params.copy()
    pointed["lat"] = str(latitude)
    pointed["lng"] = str(longitude)
    return pointed


def _plain(detail) -> list[str]:
    if isinstance(detail, dict):
        return [reason for value in detail.values() for reason in _plain(value)]
    if isinstance(detail, list):
        return [reason for value in detail for reason in _plain(value)]
    return [str(detail)]


def search_request_or_errors(params: QueryDict) -> tuple[SearchRequest | None, dict]:
    """The SearchRequest of the form's values, or the reasons, by field, it was refused."""
    try:
        return search_request_from(params), {}
    except ValidationError as error:
        detail = error.detail if isinstance(error.detail, dict) else {"form": error.detail}
        return None, {name: _plain(reasons) for name, reasons in detail.items()}
    except DomainError as error:
        return None, error.fields or {"form": [error.message]}


def _url(params: QueryDict) -> str:
    return "?" + params.urlencode()


def _toggled(params: QueryDict, name: str, value: str) -> tuple[QueryDict, bool]:
    """The query with the facet's filter added, or removed when it is already there."""
    toggled = params.copy()
    toggled.pop("page", None)
    if name == "price_band":
        low, _dash, high = value.partition("-")
        selected = params.get("price_min") == low.rstrip("+") and params.get("price_max") == (
            high or None
        )
        toggled.pop("price_min", None)
        toggled.pop("price_max", None)
        if not selected:
            toggled["price_min"] = low.rstrip("+")
            if high:
                toggled["price_max"] = high
        return toggled, selected
    values = params.getlist(name)
    selected = value in values
    if name in LIST_FILTERS:
        toggled.setlist(name, [v for v in values if v != value] if selected else [*values, value])
    elif selected:
        toggled.pop(name)
    else:
        toggled[name] = value
    return toggled, selected


def _facet_label(name: str, value: str, label: str, part_type_names: dict) -> str:
    if name == "part_type":
        return part_type_names.get(value, label)
    if name == "seller_kind":
        return SELLER_KIND_LABELS.get(value, label)
    if name == "condition":
        return CONDITION_LABELS.get(value, label)
    if name == "grade":
        return _("Grade %(grade)s") % {"grade": value}
    if name == "certified":
        return _("Certified") if value == "true" else _("Not certified")
    return label


def facet_groups(
    result: SearchResult, params: QueryDict, *, part_type_names: dict[str, str]
) -> list[FacetGroup]:
    """Each facet's values with their counts, as links that add (or drop) the filter;
    `part_type_names` names the part-type codes."""
    groups = []
    for name, title in FACET_TITLES.items():
        links = []
        for facet in result.facets.get(name, ()):
            if name == "certified" and facet.value != "true":
                continue  # "not certified" is no filter the search takes
            toggled, selected = _toggled(params, name, facet.value)
            label = _facet_label(name, facet.value, facet.label, part_type_names)
            links.append(FacetLink(label, facet.count, _url(toggled), selected))
        if links:
            groups.append(FacetGroup(title, tuple(links)))
    return groups


def page_links(result: SearchResult, params: QueryDict) -> PageLinks:
    pages = min(MAX_PAGE, max(1, ceil(result.total / result.page_size)))

    def to(number: int) -> str:
        if not 1 <= number <= pages or number == result.page:
            return ""
        moved = params.copy()
        moved["page"] = str(number)
        return _url(moved)

    return PageLinks(result.page, pages, to(result.page - 1), to(result.page + 1))


# The fields the form shows; any other filter (from a facet link) rides along hidden.
FORM_FIELDS = (
    "q", "vin", "make", "model", "year", "part_type", "condition", "grade", "within_km", "sort",
)  # fmt: skip
FORM_FIELDS_ALL = (*FORM_FIELDS, "certified")
# The point distances are measured from rides along hidden; its errors show by the distance.
POINT_FIELDS = ("lat", "lng")


@dataclass(frozen=True)
class FormState:
    """What the form needs beyond the values: a select shows one value of a repeatable
    filter, so the others, and filters the form has no field for, are kept as hidden inputs;
    errors of parameters without a field are listed under the form."""

    selected: dict[str, str]
    hidden: list[tuple[str, str]]
    other_errors: list[tuple[str, list[str]]]


def form_state(params: QueryDict, errors: dict) -> FormState:
    selected = {name: params.get(name, "") for name in LIST_FILTERS}
    hidden = [(name, value) for name in LIST_FILTERS for value in params.getlist(name)[1:]]
    hidden += [
        (name, value)
        for name in params
        if name not in FORM_FIELDS_ALL and name != "page"
        for value in params.getlist(name)
    ]
    shown = {*FORM_FIELDS_ALL, *POINT_FIELDS}
    other = [(name, reasons) for name, reasons in errors.items() if name not in shown]
    return FormState(selected, hidden, other)
