"""FilterSets of the certification pages' lists, applied to the selectors' scoped querysets.

A page renders `filterset.form`; a value the form refuses (another certifier's scheme, an
unknown status) is shown by its field, the answer is a 400 and the list stays unfiltered.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from certification.models import (
    Certificate,
    CertificateStatus,
    Claim,
    ClaimStatus,
    Scheme,
    WarrantyPlan,
    WarrantyPolicy,
)


class PageFilterSet(django_filters.FilterSet):
    """A list page's filters: all or nothing, so a refused value never half-filters the list."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)

    @property
    def refused(self) -> bool:
        """Whether filter values were given and the form refused one (the page is a 400)."""
        return self.is_bound and not self.is_valid()


class CertificateFilter(PageFilterSet):
    """A certifier's certificates by status, one of its own schemes, and text."""

    status = django_filters.ChoiceFilter(
        choices=CertificateStatus.choices, empty_label=_("Any status"), label=_("Status")
    )
    scheme = django_filters.ModelChoiceFilter(
        queryset=Scheme.objects.none(), empty_label=_("Any scheme"), label=_("Scheme")
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, label=_("Number, part, product line or seller")
    )

    class Meta:
        model = Certificate
        fields = ["status", "scheme", "q"]

    def __init__(self, *args, schemes: QuerySet[Scheme], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["scheme"].queryset = schemes

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(listing__title__icontains=value)
            | Q(product_line__name__icontains=value)
            | Q(seller_organisation__name__icontains=value)
        )


class PolicyFilter(PageFilterSet):
    """An insurer's policies by one of its own plans and text."""

    plan = django_filters.ModelChoiceFilter(
        queryset=WarrantyPlan.objects.none(), empty_label=_("Any plan"), label=_("Plan")
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, label=_("Policy number, part or holder")
    )

    class Meta:
        model = WarrantyPolicy
        fields = ["plan", "q"]

    def __init__(self, *args, plans: QuerySet[WarrantyPlan], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(listing__title__icontains=value)
            | Q(holder_name__icontains=value)
            | Q(sale_reference__icontains=value)
        )


class ClaimFilter(PageFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ClaimStatus.choices, empty_label=_("Any status"), label=_("Status")
    )

    class Meta:
        model = Claim
        fields = ["status"]
