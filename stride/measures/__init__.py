"""Measures, defined once: each one's definition in words and in code, counted by month for
the families a viewer may read, grouped by coach, team, office or county.

A layer of its own between the shells and the domain apps: a measure reads many domain apps
(coaching, participation, resources, benefits), and the shells show them.

- `months.py`: the months a measure is counted over;
- `figures.py`: a measure's parts (its definition in words, a figure per group and month)
  and the groupings;
- one module per concern: `engagement.py`, `ladder.py`, `goals.py`, `referrals.py`,
  `pairing.py`, `work_rate.py`, `employment.py` (jobs started, subsidised to unsubsidised
  moves), `education.py` (education or training completed), `bridge.py` (bridge movement);
- `catalogue.py`: every measure, in the order pages show them;
- `team.py`: a supervisor's team, coach by coach, with the names behind each count.
"""
