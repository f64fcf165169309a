package io.github.coordinatorha.election;

/**
 * A role this node can serve.
 *
 * @param name the role's name, for example {@code rootCoord}; its lower-case form is the
 * server name in etcd keys ({@code rootcoord})
 * @param activeStandby whether the role runs in active-standby mode on etcd; if not, the
 * node simply serves it
 * @since 0.1.0
 */
public record RoleDefinition(String name, boolean activeStandby) {
}
