"""Spreadsheet exports that cannot run formulas (CSV/Excel injection, OWASP).

A cell that starts with =, +, -, @, tab or carriage return is prefixed with an apostrophe in
both CSV and XLSX, so a spreadsheet program shows it as text instead of evaluating it."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """For Wagtail index views with list_export: every exported value passes neutralise_formula."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(super().preprocess_field_value(field, value, export_format))
