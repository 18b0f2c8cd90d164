"""`flask trials tick` with a controlled clock: expiry, reminders, idempotence, days left."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification
from marketplace.trials import reminders
from marketplace.trials.models import TrialRequest
from tests import factories

START = dt.date(2026, 3, 10)  # 14-day trials started then end on 24/03/2026


def _mail_count() -> int:
    return db.session.scalar(select(func.count(EmailOutbox.id)))


def _notes(user, kind: str) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def test_tick_ends_trials_after_their_last_day(app, make_trial, enterprise):
    trial = make_trial("active", today=START)
    assert trial.end_date == dt.date(2026, 3, 24)
    assert reminders.tick(today=dt.date(2026, 3, 24)).ended == []  # the last day still counts
    result = reminders.tick(today=dt.date(2026, 3, 25))
    db.session.commit()
    assert result.ended == [trial.id]
    assert trial.status == "ended"
    event = trial.events[-1]
    assert (event.actor_id, event.from_status, event.to_status) == (None, "active", "ended")
    assert len(_notes(enterprise, "trial.ended")) == 1


def test_tick_reminds_three_days_before_the_end_once(app, make_trial, enterprise, vendor):
    trial = make_trial("active", today=START)
    assert reminders.tick(today=dt.date(2026, 3, 20)).reminded == []  # 4 days left
    mails = _mail_count()
    result = reminders.tick(today=dt.date(2026, 3, 21))  # 3 days left
    db.session.commit()
    assert result.reminded == [trial.id]
    assert trial.reminder_sent_at is not None
    reminder = _notes(enterprise, "trial.reminder")
    assert len(reminder) == 1 and "sắp kết thúc" in reminder[0].title
    assert "24/03/2026" in reminder[0].body
    assert len(_notes(vendor, "trial.reminder")) == 1
    assert _mail_count() == mails + 2
    for day in (21, 22, 24):
        assert reminders.tick(today=dt.date(2026, 3, day)).reminded == []
    db.session.commit()
    assert _mail_count() == mails + 2
    assert len(_notes(enterprise, "trial.reminder")) == 1


def test_a_late_tick_still_reminds_and_ends(app, make_trial):
    trial = make_trial("active", today=START)
    # Cron was down: the first run after the end ends it without a pointless reminder.
    result = reminders.tick(today=dt.date(2026, 4, 2))
    assert result.ended == [trial.id] and result.reminded == []


def test_tick_leaves_other_states_alone(app, make_trial):
    users = [factories.make_user("enterprise") for _ in range(4)]
    trials = [
        make_trial(s, user=u)
        for s, u in zip(("requested", "accepted", "converted", "declined"), users, strict=True)
    ]
    result = reminders.tick(today=dt.date(2027, 1, 1))
    assert result.ended == [] and result.reminded == []
    assert [t.status for t in trials] == ["requested", "accepted", "converted", "declined"]


def test_cli_tick_is_idempotent(app, make_trial, enterprise):
    ending = make_trial("active", today=START)
    reminded = make_trial(
        "active", user=factories.make_user("enterprise"), today=dt.date(2026, 3, 20)
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["trials", "tick", "--today", "2026-03-31"])
    assert first.exit_code == 0, first.output
    assert f"ended 1 trial(s) [#{ending.id}]" in first.output
    assert f"reminded 1 trial(s) [#{reminded.id}]" in first.output
    db.session.expire_all()
    mails = _mail_count()
    notes = db.session.scalar(select(func.count(Notification.id)))
    second = runner.invoke(args=["trials", "tick", "--today", "2026-03-31"])
    assert second.exit_code == 0
    assert "ended 0 trial(s), reminded 0 trial(s)" in second.output
    db.session.expire_all()
    assert _mail_count() == mails
    assert db.session.scalar(select(func.count(Notification.id))) == notes
    assert db.session.get(TrialRequest, ending.id).status == "ended"
    assert runner.invoke(args=["trials", "tick", "--today", "31/03/2026"]).exit_code != 0


def test_cli_tick_uses_today_in_ho_chi_minh_time(app, make_trial):
    trial = make_trial("active", today=START)  # last day 24/03
    runner = app.test_cli_runner()
    # 17:30 UTC on the 24th is already 00:30 on the 25th in Hà Nội.
    with freeze_time("2026-03-24 17:30:00"):
        result = runner.invoke(args=["trials", "tick"])
    assert result.exit_code == 0 and f"#{trial.id}" in result.output
    assert "2026-03-25" in result.output


def test_days_left_on_my_trials_follows_the_clock(client_for, make_trial, enterprise):
    make_trial("active", today=START)
    for moment, text in [
        ("2026-03-14 03:00:00", "Còn 10 ngày"),
        ("2026-03-22 03:00:00", "Còn 2 ngày"),
        ("2026-03-23 18:00:00", "Hôm nay là ngày cuối"),  # 01:00 on the 24th in Hà Nội
    ]:
        with freeze_time(moment):
            assert text in client_for(enterprise).get("/account/trials").get_data(as_text=True)


def test_starting_through_the_page_uses_today_in_ho_chi_minh(client_for, make_trial, vendor):
    trial = make_trial("accepted")
    with freeze_time("2026-05-31 18:00:00"):  # 01:00 on 1 June in Hà Nội
        assert client_for(vendor).post(f"/vendor/trials/{trial.id}/start").status_code == 302
    db.session.expire_all()
    trial = db.session.get(TrialRequest, trial.id)
    assert (trial.start_date, trial.end_date) == (dt.date(2026, 6, 1), dt.date(2026, 6, 15))
