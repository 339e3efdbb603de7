from ordering.tokens import table_code_make, table_code_read


def test_code_round_trip():
    code = table_code_make(table_id=12, version=3)
    assert table_code_read(code) == (12, 3)


def test_forged_code_is_rejected():
    # given: a real code whose table id is changed by hand
    code = table_code_make(table_id=12, version=3)
    forged = code.replace("12.3", "13.3", 1)
    # then
    assert forged != code
    assert table_code_read(forged) is None


def test_garbage_is_rejected():
    assert table_code_read("") is None
    assert table_code_read("not-a-code") is None
    assert table_code_read("12.3:") is None
