package org.annulus.bridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class TokenRolesTest {

    @Test
    void rolesComeFromTheSpaceSeparatedScopeAndOtherScopesAreIgnored() {
        Jwt jwt =
                jwt(Map.of("sub", "svc-1", "azp", "clinic-a", "scope", "openid bridge.ingest profile bridge.nonsense"));

        var authentication = new TokenRoles("scope").convert(jwt);

        assertThat(authentication.getAuthorities())
                .extracting(GrantedAuthority::getAuthority)
                .containsExactly("bridge.ingest");
        assertThat(authentication.getName())
                .as("azp names the client before sub")
                .isEqualTo("clinic-a");
    }

    @Test
    void keycloakRealmRolesAreReachedByADottedPath() {
        Jwt jwt = jwt(Map.of(
                "sub",
                "svc-2",
                "client_id",
                "ops-desk",
                "realm_access",
                Map.of("roles", List.of("offline_access", "bridge.operate", "bridge.audit"))));

        var authentication = new TokenRoles("realm_access.roles").convert(jwt);

        assertThat(authentication.getAuthorities())
                .extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("bridge.operate", "bridge.audit");
        assertThat(authentication.getName()).isEqualTo("ops-desk");
        assertThat(Caller.of(authentication).seesEveryDocument()).isTrue();
    }

    @Test
    void aClaimNameWithDotsIsTakenAsItIsBeforeAsAPath() {
        Jwt jwt = jwt(Map.of("sub", "clinic-c", "https://annulus.org/roles", List.of("bridge.ingest")));

        var authentication = new TokenRoles("https://annulus.org/roles").convert(jwt);

        assertThat(authentication.getAuthorities())
                .extracting(GrantedAuthority::getAuthority)
                .containsExactly("bridge.ingest");
        assertThat(authentication.getName()).isEqualTo("clinic-c");
        assertThat(Caller.of(authentication).maySee("clinic-c")).isTrue();
        assertThat(Caller.of(authentication).maySee("clinic-d")).isFalse();
        assertThat(Caller.of(authentication).maySee(null))
                .as("file-drop documents are for operators")
                .isFalse();
    }

    @Test
    void noRolesClaimGivesNoRoles() {
        var authentication = new TokenRoles("scope").convert(jwt(Map.of("sub", "someone")));

        assertThat(authentication.getAuthorities()).isEmpty();
    }

    static Jwt jwt(Map<String, Object> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.forEach(builder::claim);
        return builder.build();
    }
}
