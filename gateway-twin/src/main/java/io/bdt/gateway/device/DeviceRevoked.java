package io.bdt.gateway.device;

/** CDI event: {@code deviceId} was revoked (by REST or found revoked on chain). */
public record DeviceRevoked(String deviceId) {}
