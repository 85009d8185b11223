import pytest
import yaml

from guide.engine import RulebookError, load_rulebook, parse_rulebook

from .conftest import BASE, build


def error_for(data) -> RulebookError:
    with pytest.raises(RulebookError) as caught:
        build(data)
    return caught.value


def test_a_valid_rulebook_loads_into_frozen_objects(rulebook):
    assert [q.id for q in rulebook.questions] == ["size", "admin", "store", "mongo"]
    assert rulebook.question("size").choice("large").totals["django"] == 4.0
    with pytest.raises(AttributeError):
        rulebook.title = "changed"


def test_the_version_is_a_hash_of_the_content(rulebook, data):
    assert rulebook.version == build(BASE).version
    data["title"] = "Another guide"
    assert build(data).version != rulebook.version


def test_an_unknown_criterion_names_the_path_and_line(data):
    data["questions"][2]["choices"][1]["effects"] = {"speed": {"flask": 1}}
    error = error_for(data)
    assert error.path == "questions[2].choices[1].effects.speed"
    assert "unknown key 'speed'" in error.message
    assert error.file == "test.yaml" and error.line is not None
    assert str(error).startswith(f"test.yaml:{error.line} at questions[2].choices[1].effects")


def test_the_line_points_at_the_offending_entry(data):
    data["criteria"][1]["weight"] = 9
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text, file="q.yaml")
    bad_line = next(n for n, line in enumerate(text.splitlines(), 1) if "weight: 9" in line)
    assert caught.value.line == bad_line
    assert caught.value.path == "criteria[1].weight"


def test_an_unknown_source_is_refused(data):
    data["questions"][0]["choices"][0]["source"] = "blog"
    error = error_for(data)
    assert error.path == "questions[0].choices[0].source"
    assert "unknown source 'blog'" in error.message


def test_an_unknown_option_in_effects_is_refused(data):
    data["questions"][0]["choices"][0]["effects"] = {"lightness": {"pyramid": 1}}
    assert error_for(data).path == "questions[0].choices[0].effects.lightness.pyramid"


@pytest.mark.parametrize("where", ["questions", "criteria", "options", "sources"])
def test_a_duplicate_id_is_refused(data, where):
    data[where].append(dict(data[where][0]))
    error = error_for(data)
    assert "duplicate" in error.message
    assert error.path.startswith(f"{where}[")


def test_a_duplicate_choice_id_is_refused(data):
    data["questions"][0]["choices"].append(dict(data["questions"][0]["choices"][0]))
    assert "duplicate choice id 'small'" in error_for(data).message


@pytest.mark.parametrize("weight", [0, -1, 6, "heavy", True, None])
def test_a_weight_out_of_range_is_refused(data, weight):
    data["criteria"][0]["weight"] = weight
    assert error_for(data).path == "criteria[0].weight"


def test_points_out_of_range_are_refused(data):
    data["questions"][0]["choices"][0]["effects"] = {"lightness": {"flask": 11}}
    assert "out of range" in error_for(data).message


def test_a_python_tag_is_refused_not_run():
    text = "title: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text, file="evil.yaml")
    assert "not valid YAML" in caught.value.message
    assert caught.value.line == 1


def test_malformed_yaml_names_the_line():
    with pytest.raises(RulebookError) as caught:
        parse_rulebook("title: ok\nsettings: [unclosed\n", file="broken.yaml")
    assert caught.value.line in (2, 3)
    assert str(caught.value).startswith("broken.yaml:")


def test_a_duplicate_key_is_refused_rather_than_silently_overwritten():
    with pytest.raises(RulebookError, match="the key 'title' appears twice"):
        parse_rulebook("title: a\ntitle: b\n")


def test_an_unknown_top_level_key_is_refused(data):
    data["colour"] = "blue"
    assert "unknown key 'colour'" in error_for(data).message


def test_a_missing_required_key_is_refused(data):
    del data["questions"][1]["help"]
    error = error_for(data)
    assert error.path == "questions[1]"
    assert "missing required key 'help'" in error.message


def test_a_choice_with_effects_needs_a_reason_and_a_source(data):
    del data["questions"][0]["choices"][0]["source"]
    assert "missing required key 'source'" in error_for(data).message


def test_show_if_may_only_name_a_question_above(data):
    data["questions"][0]["show_if"] = {"store": "nosql"}
    error = error_for(data)
    assert "unknown question 'store'" in error.message
    assert error.path == "questions[0].show_if.store"


def test_show_if_must_name_a_real_choice(data):
    data["questions"][3]["show_if"] = {"store": "graph"}
    assert "unknown choice of 'store' 'graph'" in error_for(data).message


def test_links_must_be_https(data):
    data["options"][0]["links"][0]["url"] = "javascript:alert(1)"
    assert "https" in error_for(data).message


def test_unsure_is_reserved(data):
    data["questions"][0]["choices"][0]["id"] = "unsure"
    assert "added to every question" in error_for(data).message


def test_a_rule_must_do_something(data):
    data["rules"][0].pop("effects")
    data["rules"][0].pop("note")
    assert "a rule must" in error_for(data).message


def test_the_tie_break_must_be_an_option(data):
    data["settings"]["tie_break"] = "pyramid"
    assert error_for(data).path == "settings.tie_break"


def test_an_empty_file_is_refused():
    with pytest.raises(RulebookError, match="expected a mapping, found nothing"):
        parse_rulebook("")


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(RulebookError, match="not UTF-8"):
        parse_rulebook(b"title: \xff\xfe\n")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RulebookError, match="cannot read the file") as caught:
        load_rulebook(tmp_path / "nope.yaml")
    assert caught.value.file.endswith("nope.yaml")
