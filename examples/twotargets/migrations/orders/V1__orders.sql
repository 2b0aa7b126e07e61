CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL);
