-- The second-factor secret offered on the enrolment page is kept with the
-- session, so that the browser cannot choose its own.
ALTER TABLE sessions ADD COLUMN pending_totp TEXT NOT NULL DEFAULT '';
