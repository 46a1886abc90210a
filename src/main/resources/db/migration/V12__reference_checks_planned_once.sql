-- V5's statement-level reference checks keep one plan each instead of being planned on every call.
--
-- Why: V5 expected PL/pgSQL to cache their plans, and it does cache them, but PostgreSQL's plan
-- cache chose a fresh custom plan on nearly every call (the transition table's row count is known
-- at planning and differs from batch to batch, so the generic plan rarely looked cheaper).
-- pg_stat_statements with track_planning (`bench --statements`, 2,000 texts/s, 30 s) counted
-- plans equal to calls for eight of the nine checks: 1.34 s of planning in the window, about 0.045
-- of a core, three quarters of what the checks spent executing (1.79 s).
--
-- The generic plan is the plan V5 chose these queries for: a scan of the inserted rows with one
-- primary-key probe of the parent per row (a scalar subquery, not an anti-join), whatever the batch
-- size. plan_cache_mode as a function setting applies only while the function runs.
alter function contact_consent_references_exist() set plan_cache_mode = force_generic_plan;
alter function inbound_message_references_exist() set plan_cache_mode = force_generic_plan;
alter function donation_references_exist() set plan_cache_mode = force_generic_plan;
alter function charge_part_references_exist() set plan_cache_mode = force_generic_plan;
alter function outbox_references_exist() set plan_cache_mode = force_generic_plan;
alter function journal_references_exist() set plan_cache_mode = force_generic_plan;
alter function posting_references_exist() set plan_cache_mode = force_generic_plan;
