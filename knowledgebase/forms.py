import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.sanitize import clean_plain_text, clean_rich_text
from stakeholders.models import District, Module, Municipality, PartnerType, Theme
from stakeholders.permissions import organisations_visible_to

from .models import FINDING_FIELDS, ContentFlag, JointAction
from .rich_text import separate_lists
from .selectors import JointActionFilters, KnowledgeFilters

ALL = [("", _("Alle"))]


class _LenientFilterForm(forms.Form):
    """A filter with one bad value (an old link, a typo) keeps the other filters and says which one it
    ignored, instead of dropping them all."""

    def valid_values(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        values = {}
        for name in self.fields:
            if name in self.errors:
                continue
            values[name] = self.cleaned_data.get(name) or ""
        return values

    @property
    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors] if self.is_bound else []


class KnowledgeFilterForm(_LenientFilterForm):
    q = forms.CharField(label=_("Zoek in titel en samenvatting"), required=False, max_length=100)
    thema = forms.ChoiceField(label=_("Thema"), required=False)
    module = forms.ChoiceField(label=_("Module"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)
    partner = forms.ChoiceField(label=_("Betrokken partner"), required=False)
    soort = forms.ChoiceField(
        label=_("Soort"),
        required=False,
        choices=[*ALL, ("best-practice", _("Best practice")), ("les", _("Lesson learned"))],
    )

    def __init__(self, *args, choices: dict, with_kind=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thema"].choices = ALL + choices["themes"]
        self.fields["module"].choices = ALL + choices["modules"]
        self.fields["district"].choices = ALL + choices["districts"]
        self.fields["gemeente"].choices = ALL + choices["municipalities"]
        self.fields["partner"].choices = ALL + choices["partner_types"]
        if "knowledgebase.LessonPage" not in with_kind:
            del self.fields["soort"]

    def filters(self) -> KnowledgeFilters:
        values = self.valid_values()
        return KnowledgeFilters(
            q=(values.get("q") or "").strip(),
            theme=values.get("thema", ""),
            module=values.get("module", ""),
            district=values.get("district", ""),
            municipality=values.get("gemeente", ""),
            partner_type=values.get("partner", ""),
            kind=values.get("soort", ""),
        )


class JointActionFilterForm(_LenientFilterForm):
    district = forms.ChoiceField(label=_("District"), required=False)
    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)
    jaar = forms.TypedChoiceField(label=_("Jaar"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = ALL + list(District.objects.values_list("code", "name"))
        self.fields["gemeente"].choices = ALL + list(
            Municipality.objects.current().order_by("name").values_list("cbs_code", "name")
        )
        self.fields["jaar"].choices = ALL + [(str(y), str(y)) for y in years]

    def filters(self) -> JointActionFilters:
        values = self.valid_values()
        return JointActionFilters(
            district=values.get("district", ""),
            municipality=values.get("gemeente", ""),
            year=values.get("jaar") or None,
        )


class JointActionForm(forms.ModelForm):
    """Counts and places, never people or addresses: every partner reads this register."""

    class Meta:
        model = JointAction
        fields = [
            "date",
            "municipality",
            "area",
            "organisations",
            "premises_visited",
            *[field for field, _label in FINDING_FIELDS],
            "follow_up",
            "press_release",
            "press_link",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "organisations": forms.CheckboxSelectMultiple,
            "follow_up": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, municipality_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.current().order_by("name")
        if municipality_ids is not None:
            municipalities = Municipality.objects.filter(pk__in=municipality_ids).order_by("name")
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("Kies een gemeente")
        # Only organisations the user may see in the directory: the form must not list other districts'.
        # Setting the queryset fills the widget's choices, so the widget (Meta.widgets) is never replaced
        # afterwards: a new widget would render an empty list (issue #19.1).
        self.fields["organisations"].queryset = (
            organisations_visible_to(user).filter(is_active=True).select_related("partner_type").order_by("name")
        )
        self.fields["organisations"].help_text = _(
            "Vink de organisaties aan die meededen. Typ een deel van de naam of het soort partner om de lijst "
            "korter te maken."
        )

    def clean_organisations(self):
        """The chosen ones, plus those already on the action that this form does not offer (another
        district's partner added by the secretariat, an organisation that has since ended): a user cannot
        remove what they cannot see."""
        chosen = list(self.cleaned_data["organisations"])
        if self.instance.pk:
            offered = self.fields["organisations"].queryset.values("pk")
            chosen += list(self.instance.organisations.exclude(pk__in=offered))
        return chosen

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > datetime.date.today():
            raise ValidationError(_("Een integrale actie registreert u na afloop: de datum ligt in de toekomst."))
        return date

    def clean_area(self):
        return clean_plain_text(self.cleaned_data["area"])

    def clean_follow_up(self):
        return clean_plain_text(self.cleaned_data["follow_up"])

    def clean(self):
        cleaned = super().clean()
        premises = cleaned.get("premises_visited")
        if premises is not None:
            for field, label in FINDING_FIELDS:
                if (cleaned.get(field) or 0) > premises:
                    self.add_error(
                        field,
                        _("%(label)s: meer dan het aantal bezochte locaties (%(n)s).")
                        % {"label": label, "n": premises},
                    )
        if cleaned.get("press_link") and not cleaned.get("press_release"):
            cleaned["press_release"] = True
        return cleaned


class ContributionForm(forms.Form):
    """A partner's proposal for the knowledge base. The text may be pasted from a word processor: it is
    cleaned to the few tags the portal uses."""

    KIND_CHOICES = [("best_practice", _("Best practice")), ("lesson", _("Lesson learned"))]

    kind = forms.ChoiceField(label=_("Soort bijdrage"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Titel"), max_length=200)
    intro = forms.CharField(
        label=_("Samenvatting"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Eén of twee zinnen: waar gaat het over en wat levert het op?"),
    )
    text = forms.CharField(
        label=_("Uw verhaal"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Een witregel begint een nieuwe alinea; een regel die begint met ## is een tussenkop, met - een "
            "opsommingsteken. Noem geen namen of adressen van bewoners of eigenaren."
        ),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thema's"), queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules"), queryset=Module.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Gaat over districten"),
        queryset=District.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Dit bepaalt niet wie de bijdrage leest: dat kiest het secretariaat bij het publiceren."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Gemeenten"), queryset=Municipality.objects.current().order_by("name"), required=False
    )
    partner_types = forms.ModelMultipleChoiceField(
        label=_("Betrokken partners"),
        queryset=PartnerType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, kind_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if kind_fixed:
            self.fields["kind"].disabled = True

    def clean_title(self):
        return clean_plain_text(self.cleaned_data["title"])

    def clean_intro(self):
        return clean_plain_text(self.cleaned_data["intro"])

    def clean_text(self):
        cleaned = clean_rich_text(separate_lists(self.cleaned_data["text"]))
        if not clean_plain_text(cleaned):
            raise ValidationError(_("Schrijf een tekst: na het opschonen bleef er niets over."))
        return cleaned


class ContentFlagForm(forms.ModelForm):
    class Meta:
        model = ContentFlag
        fields = ["comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"comment": {"required": _("Schrijf kort wat er niet meer klopt.")}}

    def clean_comment(self):
        comment = clean_plain_text(self.cleaned_data["comment"])
        if not comment:
            raise ValidationError(_("Schrijf kort wat er niet meer klopt."))
        return comment
