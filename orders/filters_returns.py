"""FilterSets of the cores-owed and returns lists."""

import django_filters

from orders.models import CoreObligation, CoreStatus, ReturnCase, ReturnKind, ReturnStatus


class CoreObligationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CoreStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = CoreObligation
        fields = ["status"]


class ReturnCaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReturnKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=ReturnStatus.choices)

    class Meta:
        model = ReturnCase
        fields = ["kind", "status"]
