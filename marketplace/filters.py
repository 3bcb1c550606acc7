import django_filters

from marketplace.models import Membership, Organisation, OrganisationKind, OrganisationStatus


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["kind", "status", "name"]


class MembershipFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug")

    class Meta:
        model = Membership
        fields = ["organisation", "role"]
