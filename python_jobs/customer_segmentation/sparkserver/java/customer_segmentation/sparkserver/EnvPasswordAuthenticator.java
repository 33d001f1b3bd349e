package customer_segmentation.sparkserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2 CUSTOM authentication (hive.server2.custom.authentication.class): accepts exactly
 * one user and password, which the launcher (python -m customer_segmentation.sparkserver) passes
 * in the server's environment as SPARK_SERVER_USER and SPARK_SERVER_PASSWORD. Nothing is
 * hard-coded; without both variables every login is refused.
 */
public final class EnvPasswordAuthenticator implements PasswdAuthenticationProvider {
  static final String USER_VARIABLE = "SPARK_SERVER_USER";
  static final String PASSWORD_VARIABLE = "SPARK_SERVER_PASSWORD";

  private final byte[] expectedUser;
  private final byte[] expectedPassword;

  /** Reads the expected credentials from the server's environment. */
  public EnvPasswordAuthenticator() {
    this(System.getenv(USER_VARIABLE), System.getenv(PASSWORD_VARIABLE));
  }

  EnvPasswordAuthenticator(String user, String password) {
    this.expectedUser = bytes(user);
    this.expectedPassword = bytes(password);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    if (expectedUser == null || expectedPassword == null || expectedPassword.length == 0) {
      throw new AuthenticationException(
          "login refused: the server has no " + USER_VARIABLE + "/" + PASSWORD_VARIABLE);
    }
    byte[] givenUser = bytes(user);
    byte[] givenPassword = bytes(password);
    // Compare both in constant time, and always both, so timing says nothing about which failed.
    boolean userMatches = givenUser != null && MessageDigest.isEqual(givenUser, expectedUser);
    boolean passwordMatches =
        givenPassword != null && MessageDigest.isEqual(givenPassword, expectedPassword);
    if (!(userMatches & passwordMatches)) {
      throw new AuthenticationException("login refused: wrong user name or password");
    }
  }

  private static byte[] bytes(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }
}
