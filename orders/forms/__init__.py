"""Forms of the ordering pages, one module per party. They only check the shape of what is typed;
the services decide, and `marketplace.forms.show_refusal` shows their refusals by the field."""
