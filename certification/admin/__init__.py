from certification.admin import certificates, warranty  # noqa: F401 (registers the admins)
