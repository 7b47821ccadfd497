"""«Сетевой город. Образование» (NetSchool, ИрТех): client, adapter and sandbox server."""
