# Sourced by ./mvnw and ./gatehouse (POSIX sh): makes JAVA_HOME a JDK of release 21 or newer.
# Keeps JAVA_HOME when it is one; else takes the `java` on PATH when it is one; else the newest such JDK in the
# standard places (/usr/lib/jvm, /usr/java, /opt/java, macOS's JavaVirtualMachines). Fails with a clear message
# when there is none, instead of letting the build stop later with an enforcer error.

gatehouse_java_release() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | sed 's/^1\.//'
}

gatehouse_is_jdk21() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  release=$(gatehouse_java_release "$1/bin/java")
  [ -n "$release" ] && [ "$release" -ge 21 ] 2>/dev/null
}

gatehouse_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && gatehouse_is_jdk21 "$JAVA_HOME"; then
    return 0
  fi
  on_path=$(command -v javac 2>/dev/null || :)
  if [ -n "$on_path" ]; then
    home=$(cd "$(dirname "$(readlink -f "$on_path" 2>/dev/null || echo "$on_path")")/.." && pwd)
    if gatehouse_is_jdk21 "$home"; then
      JAVA_HOME=$home
      export JAVA_HOME
      return 0
    fi
  fi
  best="" best_release=0
  # The wrapper runs with globbing off (set -f); the search needs it for a moment.
  case $- in *f*) noglob=1; set +f ;; *) noglob=0 ;; esac
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    gatehouse_is_jdk21 "$candidate" || continue
    release=$(gatehouse_java_release "$candidate/bin/java")
    if [ "$release" -gt "$best_release" ]; then
      best=$candidate best_release=$release
    fi
  done
  [ "$noglob" = 0 ] || set -f
  if [ -z "$best" ]; then
    echo "Gatehouse needs a JDK of release 21 or newer (found ${JAVA_HOME:-none in JAVA_HOME}, and none on PATH" \
      "or under /usr/lib/jvm). Install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME=$best
  export JAVA_HOME
}
