-- The explorer's index of one chain. Portable SQL: runs on the embedded H2 and on PostgreSQL.
-- Every row carries the block it came from, so a reorganisation deletes from a height upwards.

CREATE TABLE blocks (
  number BIGINT PRIMARY KEY,
  hash VARCHAR(66) NOT NULL UNIQUE,
  parent_hash VARCHAR(66) NOT NULL,
  miner VARCHAR(42) NOT NULL,
  difficulty NUMERIC(78, 0) NOT NULL,
  timestamp_s BIGINT NOT NULL,
  gas_used BIGINT NOT NULL,
  gas_limit BIGINT NOT NULL,
  base_fee NUMERIC(78, 0),
  tx_count INT NOT NULL,
  size_bytes BIGINT
);
CREATE INDEX blocks_miner ON blocks (miner);

CREATE TABLE txs (
  hash VARCHAR(66) PRIMARY KEY,
  block_number BIGINT NOT NULL,
  tx_index INT NOT NULL,
  from_addr VARCHAR(42) NOT NULL,
  to_addr VARCHAR(42),
  created VARCHAR(42),
  value_wei NUMERIC(78, 0) NOT NULL,
  nonce BIGINT NOT NULL,
  gas_limit BIGINT NOT NULL,
  gas_used BIGINT,
  gas_price NUMERIC(78, 0),
  status INT,
  revert_reason VARCHAR(4000),
  input VARCHAR(1000000) NOT NULL,
  contract VARCHAR(32),
  method VARCHAR(64),
  decoded VARCHAR(1000000)
);
CREATE INDEX txs_block ON txs (block_number, tx_index);
CREATE INDEX txs_from ON txs (from_addr, block_number);
CREATE INDEX txs_to ON txs (to_addr, block_number);

CREATE TABLE logs (
  block_number BIGINT NOT NULL,
  log_index INT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL,
  address VARCHAR(42) NOT NULL,
  topics VARCHAR(400) NOT NULL,
  data VARCHAR(1000000) NOT NULL,
  contract VARCHAR(32),
  event VARCHAR(64),
  decoded VARCHAR(1000000),
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX logs_tx ON logs (tx_hash);
CREATE INDEX logs_address ON logs (address, block_number);

-- B-DT contracts recognised by their committed creation bytecode
CREATE TABLE contracts (
  address VARCHAR(42) PRIMARY KEY,
  name VARCHAR(32) NOT NULL,
  block_number BIGINT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL
);

-- DeviceRegistry history: registered, revoked, rotated
CREATE TABLE device_events (
  block_number BIGINT NOT NULL,
  log_index INT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL,
  device_id VARCHAR(66) NOT NULL,
  gateway VARCHAR(42),
  kind VARCHAR(16) NOT NULL,
  model VARCHAR(200),
  timestamp_s BIGINT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX device_events_device ON device_events (device_id);

-- TwinAnchor roots
CREATE TABLE anchors (
  block_number BIGINT NOT NULL,
  log_index INT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL,
  contract_address VARCHAR(42) NOT NULL,
  anchor_id BIGINT NOT NULL,
  gateway VARCHAR(42) NOT NULL,
  root VARCHAR(66) NOT NULL,
  leaf_count BIGINT NOT NULL,
  timestamp_s BIGINT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX anchors_root ON anchors (root);
CREATE INDEX anchors_gateway ON anchors (gateway, block_number);

-- ReputationLedger receipts and slot closes
CREATE TABLE receipts (
  block_number BIGINT NOT NULL,
  log_index INT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL,
  task_id VARCHAR(66) NOT NULL,
  ap VARCHAR(42) NOT NULL,
  gateway VARCHAR(42) NOT NULL,
  slot BIGINT NOT NULL,
  flops NUMERIC(78, 0) NOT NULL,
  latency_micros BIGINT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX receipts_task ON receipts (task_id);
CREATE INDEX receipts_ap ON receipts (ap);

CREATE TABLE slots (
  block_number BIGINT NOT NULL,
  log_index INT NOT NULL,
  tx_hash VARCHAR(66) NOT NULL,
  ap VARCHAR(42) NOT NULL,
  slot BIGINT NOT NULL,
  contribution NUMERIC(78, 0) NOT NULL,
  reputation NUMERIC(78, 0) NOT NULL,
  timestamp_s BIGINT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX slots_ap ON slots (ap, slot);
