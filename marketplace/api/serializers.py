from rest_framework import serializers

from marketplace.models import Membership, MembershipRole, Organisation, User
from marketplace.services import SELF_REGISTERED_KINDS


class OrganisationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=sorted(SELF_REGISTERED_KINDS))
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    vat_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False)


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    organisation = OrganisationInputSerializer(required=False)


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class OrganisationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "slug", "name", "kind", "status", "email", "phone", "vat_number",
            "address", "city", "postcode", "country", "created_at",
        ]  # fmt: skip


class MembershipOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "organisation_kind", "username", "email", "role"]


class MembershipInputSerializer(serializers.Serializer):
    organisation = serializers.SlugField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=MembershipRole.choices, default=MembershipRole.STAFF)


class UserOutputSerializer(serializers.ModelSerializer):
    memberships = MembershipOutputSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "memberships"]


class RegisterOutputSerializer(serializers.Serializer):
    user = UserOutputSerializer()
    token = serializers.CharField()
    organisation = OrganisationOutputSerializer(allow_null=True)
