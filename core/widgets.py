"""Form widgets shared by the apps."""

from django import forms
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs_html(attrs: dict) -> SafeString:
    """The attributes as Django's django/forms/widgets/attrs.html writes them: False leaves one out, True writes
    its name alone."""
    return mark_safe(  # noqa: S308 - each piece went through format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class Select(forms.Select):
    """Django's Select, writing the same HTML (and, being named Select, getting the same CSS class from crispy), but
    its options in Python.

    Django renders each <option> through a template of its own, which costs a template render per option: on a
    filter form with a few hundred cohorts and advisers that is most of the page's time. The <select> keeps every
    attribute it is given (id, class, aria-*), so labels and error descriptions stay tied to it.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # What Select.get_context and ChoiceWidget.optgroups work out, without a dict per option.
        widget_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            widget_attrs["multiple"] = True
        values = self.format_value(value)
        parts: list[str] = [format_html('<select name="{}"{}>', name, _attrs_html(widget_attrs))]
        has_selected = False
        for option_value, option_label in self.choices:
            group_name = option_value if isinstance(option_label, list | tuple) else None
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for subvalue, sublabel in option_label if group_name is not None else [(option_value, option_label)]:
                subvalue = "" if subvalue is None else str(subvalue)
                selected = (not has_selected or self.allow_multiple_selected) and subvalue in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{escape(subvalue)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(str(sublabel))}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
