"""test_domain.py: the domain functions, driven as daemons drive them.

tests/unit/test_domain.c (Check) changes cases as an automation rule, the
phone robot, mendctl and the scanner, through the same functions the pages
use, against this stack's console database with the web programs'
account; each change must write its case event and audit row naming that
actor, and each refusal must be its named result with nothing written."""
import os
import subprocess

ORDER = 97


def test_case_changes_by_actors_that_are_not_agents(st):
    p = subprocess.run([os.path.join(st.build, "tests", "unit_domain")], env=st.env(),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "domain: 3 passed, 0 failed" in p.stdout, p.stdout + p.stderr


def test_mendctl_changes_agents_through_the_domain(st):
    st.add_agent("cli.made", "cli-made-pass", "命令行建的", "agent")
    rows = st.sql("SELECT actor_type, login, target FROM audit_log WHERE kind = 'agent_created'"
                  " AND target = 'cli.made'", database="ordermend")
    assert rows and rows[-1][0] == "cli", rows
    st.mendctl("agent", "role", "cli.made", "lead")
    assert st.sql("SELECT GROUP_CONCAT(role) FROM agent_roles r JOIN agents a"
                  " ON a.id = r.agent_id WHERE a.login = 'cli.made'",
                  database="ordermend")[0][0] == "lead"
    rows = st.sql("SELECT actor_type, detail FROM audit_log WHERE kind = 'agent_updated'"
                  " AND target = 'cli.made'", database="ordermend")
    assert rows[-1][0] == "cli" and "角色 客服 → 客服主管" in rows[-1][1], rows
    st.mendctl("agent", "disable", "cli.made")
    assert st.sql("SELECT disabled_at IS NOT NULL FROM agents WHERE login = 'cli.made'",
                  database="ordermend")[0][0] == "1"
    # the last admin cannot be taken away, from the command line either
    admins = [r[0] for r in st.sql(
        "SELECT a.login FROM agents a JOIN agent_roles r ON r.agent_id = a.id"
        " WHERE r.role = 'admin' AND a.disabled_at IS NULL AND a.service = 0",
        database="ordermend")]
    if len(admins) == 1:
        p = st.mendctl("agent", "disable", admins[0], check=False)
        assert p.returncode != 0 and "管理员" in p.stderr, p.stderr
