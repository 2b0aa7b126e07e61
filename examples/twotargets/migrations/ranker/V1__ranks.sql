CREATE TABLE ranks (item text PRIMARY KEY, score real NOT NULL);
