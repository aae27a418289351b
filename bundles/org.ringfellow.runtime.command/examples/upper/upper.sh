#!/bin/sh
# upper: a Ringfellow app in busybox sh, run by the command runtime.
#
# Events arrive on stdin and commands leave on stdout, one JSON object per line
# (docs/bridge-protocol.md). The node writes every event's fields in a fixed order
# without spaces, so sed is enough to read them. This app answers each request with
# its payload in upper case, answers HTTP requests with the path in upper case, logs
# what else it sees, and exits when it is told to stop. Its stderr goes to the
# container's log as well.

# str NAME LINE: the value of the last string field "NAME" in LINE
str() { printf '%s\n' "$2" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
# num NAME LINE: the value of the last number field "NAME" in LINE
num() { printf '%s\n' "$2" | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"; }
say() { printf '%s\n' "$1"; }
# log TEXT: quotes, backslashes and control characters removed, so the line stays valid JSON
log() { say "{\"v\":1,\"type\":\"log\",\"message\":\"$(printf '%s' "$1" | tr -d '"\\\000-\037')\"}"; }
# upper BASE64: the decoded text in upper case, in base64 again
upper() { printf '%s' "$1" | base64 -d 2>/dev/null | tr 'a-z' 'A-Z' | base64 | tr -d '\n'; }

while IFS= read -r line; do
  case "$line" in
    *'"type":"started"'*)
      self=$(printf '%s\n' "$line" | sed -n 's/.*"self":{"id":"\([^"]*\)".*/\1/p')
      log "upper started as member $self of $(str app "$line")" ;;
    *'"type":"request"'*)
      say "{\"v\":1,\"type\":\"reply\",\"id\":$(num id "$line"),\"payload\":\"$(upper "$(str payload "$line")")\"}" ;;
    *'"type":"http-request"'*)
      body=$(printf '%s' "$(str path "$line")" | tr 'a-z' 'A-Z' | base64 | tr -d '\n')
      say "{\"v\":1,\"type\":\"http-response\",\"id\":$(num id "$line"),\"status\":200,\"headers\":{\"Content-Type\":\"text/plain\"},\"body\":\"$body\"}" ;;
    *'"type":"message"'*)
      log "message on $(str topic "$line"): $(str payload "$line" | base64 -d 2>/dev/null)" ;;
    *'"type":"stopped"'*)
      log "upper stopping"
      exit 0 ;;
    *)
      log "event $(str type "$line")" ;;
  esac
done
