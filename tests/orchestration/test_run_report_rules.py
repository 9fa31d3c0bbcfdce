"""The run report names each check's rule in a sentence and its failing rows in words.

The data-quality page shows these beside every warning: the reader sees "Owner id is never
null." and the rows that broke it, not `opportunity__owner_id_not_null`.
"""

from __future__ import annotations

from data_quality import all_checks
from orchestration.run_report import rows_text, rule_sentence


def test_every_quality_check_has_a_sentence_without_code_marks():
    for spec in all_checks():
        sentence = rule_sentence(spec.name)
        assert sentence, spec.name
        assert "`" not in sentence and "__" not in sentence, sentence
        assert sentence[0].isupper() and sentence.endswith("."), sentence


def test_the_sentence_is_the_rule_part_of_the_description():
    assert rule_sentence("opportunity__owner_id_not_null") == "Owner id is never null."


def test_a_check_that_does_not_describe_itself_has_no_sentence():
    assert rule_sentence("unique_fct_opportunities_opportunity_id") is None


def test_failing_rows_in_words():
    sample = [{"id": "006A", "owner_id": None}, {"id": "006B", "amount": -5}]
    assert rows_text(sample) == "id 006A, owner_id (empty); id 006B, amount -5"
    assert rows_text([]) is None
