-- grants.sql: what each ordermend program may do in the databases
--
-- Applied by `mendctl migrate` after the migrations, so it always matches
-- the tables that exist.  @REPLICA@ and @CONSOLE@ are the configured
-- database names.  The grants go to roles; an administrator creates the
-- users and gives each its role, for example:
--   CREATE USER 'ordermend_web'@'localhost' IDENTIFIED BY '...';
--   GRANT ordermend_web TO 'ordermend_web'@'localhost';
--   SET DEFAULT ROLE ordermend_web FOR 'ordermend_web'@'localhost';
-- On a separate replica server, apply the ordermend_reader part there.

CREATE ROLE IF NOT EXISTS ordermend_reader;
GRANT SELECT ON `@REPLICA@`.* TO ordermend_reader;
GRANT SLAVE MONITOR ON *.* TO ordermend_reader;

-- The web programs: read and write their own tables, but only append to
-- the audit log.
CREATE ROLE IF NOT EXISTS ordermend_web;
GRANT SELECT ON `@CONSOLE@`.schema_migrations TO ordermend_web;
GRANT SELECT ON `@CONSOLE@`.permissions TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.roles TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.role_permissions TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.agents TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.agent_roles TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.sessions TO ordermend_web;
GRANT SELECT, INSERT ON `@CONSOLE@`.audit_log TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.product_grams TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.index_state TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.api_tokens TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.login_throttle TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.anomaly_rules TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.incidents TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.silences TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.cases TO ordermend_web;
GRANT SELECT, INSERT ON `@CONSOLE@`.case_events TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.scan_state TO ordermend_web;
GRANT SELECT, INSERT ON `@CONSOLE@`.scan_runs TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.outbox TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.automation_rules TO ordermend_web;
GRANT SELECT, UPDATE ON `@CONSOLE@`.automation_switch TO ordermend_web;
GRANT SELECT, INSERT ON `@CONSOLE@`.automation_actions TO ordermend_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@CONSOLE@`.notify_channels TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.call_scripts TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.calls TO ordermend_web;
GRANT SELECT, INSERT ON `@CONSOLE@`.robot_callbacks TO ordermend_web;
GRANT SELECT, INSERT, DELETE ON `@CONSOLE@`.dnc TO ordermend_web;
GRANT SELECT, INSERT, UPDATE ON `@CONSOLE@`.campaigns TO ordermend_web;
GRANT SELECT ON `@CONSOLE@`.console_keys TO ordermend_web;
