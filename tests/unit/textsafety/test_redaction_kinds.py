"""Issue 13, break 11: one case per kind that reached the model in the attack (each fails on the
redaction rules before this change, except whsec_, SendGrid and PGPASSWORD=, fixed earlier on main),
plus the entropy confirmation and its thresholds as data.

Values are invented; «» inside them keeps secret scanners quiet and is removed before use.  The
public test card numbers of the card schemes are used for the card cases.
"""

from __future__ import annotations

import pytest

from postmortem_kit.textsafety import Redactor

PEM_LINES = ["GJhzIBjHwzvXBpJXHZukpaJ5HE4k«»DQ2HvAakCWCwz2fcQO2f/OAJAyVrpDTIJda7",
             "UyGRxWVTa1NSFUOM2Sl7t/2kTNrc«»24bya/ew55sFQM885n9DJHpRm95UJbfWWbul",
             "to1jnCAVQ0JDZR0X37r4trnI85dq«»+s4Ek9RrxxUWULAqr5LRVYExPZ+DVPZXyEKs", "KCzl5oTlG7jz«»QwRSimkh=="]
PEM = "\n".join(f"2026-03-14T09:12:{second:02d}Z checkout[7]: {line}" for second, line in enumerate(
    ["-----BEGIN RSA PRIVATE KEY-----", *PEM_LINES, "-----END RSA PRIVATE KEY-----"]))

STS_TOKEN = ("IQoJb3JpZ2luX2VjaSlz7wK7MUEIFxCAVUd4F6rV«»/s2GezogNLjcpnZV3lApx71/nk0GKdzoikYU7DOQBEr4QXctx5ymnWa9vk0eVU1F7UX"
             "ewDhllsM4Wdn4EQPWm8DJI4soBOjN")

# (case id, text, secret values that must not survive)
CASES = [
    ("sts-json-session-token",
     '{"Credentials": {"AccessKeyId": "ASIAY34FZKBOKMUTVV7A", "SecretAccessKey": "FoI++l+iPHBZkGHGLm3Z«»goPQxRkILfXGFB7FJefU",'
     f' "SessionToken": "{STS_TOKEN}"}}}}', ["FoI++l+iPHBZkGHGLm3Z«»goPQxRkILfXGFB7FJefU", STS_TOKEN]),
    ("stripe-webhook-secret", "STRIPE_WEBHOOK=whsec_FZR37eQ8Ab1NB4«»GlRWpj3a1wdefz2YyH rotated",
     ["whsec_FZR37eQ8Ab1NB4«»GlRWpj3a1wdefz2YyH"]),
    ("pem-with-log-prefix", PEM, PEM_LINES),
    ("jwt-header-with-space",
     "rejected eyAiYWxnIjogIkhTMjU2IiwgInR5cCI6ICJKV1QiIH0.eyJzdWIiOiJzdmMtNDIiLCJleHAiOjE3OTAwMDAwMDB9"
     ".T31PBzlC-mPUEh«»xOckmp8b6IuUpLRddTYMs4xWAPkWW",
     ["eyAiYWxnIjogIkhTMjU2IiwgInR5cCI6ICJKV1QiIH0.eyJzdWIiOiJzdmMtNDIiLCJleHAiOjE3OTAwMDAwMDB9"]),
    ("pgpassword", "PGPASSWORD='Qm7#tz«»Lw2' psql -h orders-db", ["Qm7#tz«»Lw2"]),
    ("password-with-spaces", 'DB_PASSWORD="correct horse «»battery 9" ./migrate', ["correct horse «»battery 9"]),
    ("password-in-connection-string", "Server=sql-02;User Id=app;Password=Blue Moon «»77!;Encrypt=true",
     ["Blue Moon «»77!"]),
    ("password-in-prose", "fyi the db password is now Otter«»42x, changed after the page", ["Otter«»42x"]),
    ("password-in-prose-quoted", "the passphrase for the backup key is 'purple «»kettle 31'", ["purple «»kettle 31"]),
    ("sendgrid-key", "SENDGRID_API_KEY=SG.65NVkO2wtRnP0e«»OQ44zoPu.TnL4jcA6JHXq_3vDXR7k9SKsnTEq0IkiItDiGKBV_f2",
     ["SG.65NVkO2wtRnP0e«»OQ44zoPu.TnL4jcA6JHXq_3vDXR7k9SKsnTEq0IkiItDiGKBV_f2"]),
    ("user-at-localhost", "bounce sent to ops«»bot@localhost at 09:14", ["ops«»bot@localhost"]),
    ("ipv4-glued-to-letters", "retrying upstream db10.4«».7.19 (attempt 3)", ["10.4«».7.19"]),
    ("ipv4-in-ec2-host-name", "node ip-10-4«»-7-19.ec2.internal went NotReady", ["ip-10-4«»-7-19"]),
    ("card-jcb", "JCB 3528 0007 «»0000 0000 declined", ["3528 0007 «»0000 0000"]),
    ("card-diners", "Diners 3622 7206«»27 1667 charged twice", ["3622 7206«»27 1667"]),
    ("card-unionpay", "unionpay pan=62509410«»06528599", ["62509410«»06528599"]),
    ("card-with-dots", "card 4012.8888.«»8888.1881 failed 3DS", ["4012.8888.«»8888.1881"]),
    ("card-after-a-dash", "idempotency key pay-51051051«»05105100-retry reused", ["51051051«»05105100"]),
]


@pytest.mark.parametrize("text, secrets", [(t, s) for _, t, s in CASES], ids=[c[0] for c in CASES])
def test_the_kinds_that_reached_the_model_are_redacted(text, secrets):
    out = Redactor.default().redact(text.replace("«»", ""))
    for secret in secrets:
        secret = secret.replace("«»", "")
        assert secret not in out, out
        for piece in secret.split():  # a password with spaces goes whole, not only its first word
            assert len(piece) < 3 or piece not in out, out
    assert "[REDACTED:" in out


@pytest.mark.parametrize("text", [
    "sort_key=timestamp partition_key: customer_id cache_key=orders-v2",  # named like a key, ordinary value
    "monkey=banana; primary_key: id; token: <redacted>",
    "region_key: production-eu-west-1; cache_key=checkout-api-7d9f8b6c5d-x2k9p",  # lower-case names of words
    "the password is incorrect; the password was rotated; password is stored in Vault",
    "AS path 64500 64501 64502 i",  # groups of five digits are not a card
    "digest sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw==",
    "sha256 363b97b04ecaee54580190716767a87547bd74605a79f3fec7a521831fad359c",  # a Luhn-valid run inside hex
    "overlay /var/lib/docker/overlay2/9f86d081884c7d659a2feaf0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/merged",
])
def test_ordinary_values_under_secret_looking_names_are_kept(text):
    assert Redactor.default().redact(text) == text


def test_a_random_value_under_a_key_name_is_redacted_and_an_ordinary_one_kept():
    redactor = Redactor.default()
    assert redactor.redact("RELEASE_KEY=release-2026-03-14") == "RELEASE_KEY=release-2026-03-14"
    assert redactor.redact("RELEASE_KEY=q7Vd2LmX9«»pR4sKw8TzY3b".replace("«»", "")) == "RELEASE_KEY=[REDACTED:secret]"
    hex_key = "e396b516a6d16d68ec4a6290«»d27187989cede32bc7bc65b30bcf2ae0560479a2".replace("«»", "")
    assert redactor.redact(f"FIELD_ENCRYPTION_KEY={hex_key}") == "FIELD_ENCRYPTION_KEY=[REDACTED:secret]"
    assert redactor.redact(f"commit {hex_key}") == f"commit {hex_key}"  # bare hex is a digest or an id: kept


def test_entropy_thresholds_are_data():
    from postmortem_kit.textsafety import EntropyProfile, entropy_profiles, shannon_entropy

    assert shannon_entropy("aaaa") == 0.0 and shannon_entropy("abcd") == 2.0
    profiles = entropy_profiles()
    assert set(profiles) >= {"keyed", "quoted", "bare"}
    assert profiles["keyed"].bits == 3.5 and profiles["bare"].hex_bits is None
    loose = EntropyProfile("loose", 4, 1.0, 1.0, 1)
    assert loose.random("abcabc") and not profiles["keyed"].random("abcabc")


def test_an_unknown_entropy_profile_in_an_extra_pattern_is_a_clear_error():
    from postmortem_kit.textsafety import RedactionConfigError

    with pytest.raises(RedactionConfigError, match="unknown entropy profile"):
        Redactor.default([{"id": "x", "regex": "abc", "entropy": "huge"}])
    redactor = Redactor.default([{"id": "ticket-secret", "regex": r"TS-([A-Za-z0-9]+)", "group": 1, "entropy": "keyed"}])
    assert redactor.redact("TS-aaaaaaaaaaaaaaaa") == "TS-aaaaaaaaaaaaaaaa"
    assert redactor.redact("TS-Zq81Lk2Xv9Pd4Rt7") == "TS-[REDACTED:ticket-secret]"
