"""How an instructor authors a knowledge check in the Wagtail admin: a list of questions, each with
its options (text, correct, feedback) and an explanation. The rules of a question are
`definition.question_problems`, shown on the question's form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from curriculum.checks import definition


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=500)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("feedback"), required=False, help_text=_("Shown to an officer who chose this option.")
    )

    class Meta:
        icon = "radio-full"
        label = _("option")


class QuestionBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[
            (definition.SINGLE, _("One correct option")),
            (definition.MULTIPLE, _("Several correct options")),
        ],
        default=definition.SINGLE,
    )
    text = blocks.TextBlock(label=_("question"))
    options = blocks.ListBlock(OptionBlock(), min_num=definition.MIN_OPTIONS, label=_("options"))
    explanation = blocks.TextBlock(
        label=_("explanation"), required=False, help_text=_("Shown with the results, after answering.")
    )

    class Meta:
        icon = "help"
        label = _("question")

    def clean(self, value):
        value = super().clean(value)
        flags = [option["correct"] for option in value["options"]]
        if problems := definition.question_problems(value["kind"], flags):
            raise StructBlockValidationError(non_block_errors=problems)
        return value


class CheckQuestionsBlock(blocks.StreamBlock):
    question = QuestionBlock()

    class Meta:
        block_counts = {}
