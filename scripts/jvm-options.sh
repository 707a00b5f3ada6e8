# Sourced by ./bdt and ./bench: the JVM options B-DT's processes run with, so that the JDK says
# nothing about what the project knowingly uses, and nothing else is hidden. Keep in step with
# deploy/src/main/java/io/bdt/platform/JvmOptions.java (JvmOptionsTest compares the two).
#   --enable-native-access=ALL-UNNAMED      ONNX Runtime, RocksDB and libevm load native code (JDK 21+
#                                           knows the option; JDK 24+ warns without it)
#   --sun-misc-unsafe-memory-access=allow   protobuf (ONNX models), Guava and Netty use sun.misc.Unsafe
#                                           memory access (JDK 23+ knows the option; 24+ warns)

bdt_jvm_options() {
  # $1: the JDK's feature version (21, 25, ...); prints the options, space-separated
  local opts="--enable-native-access=ALL-UNNAMED"
  if [ "$1" -ge 23 ]; then
    opts="$opts --sun-misc-unsafe-memory-access=allow"
  fi
  echo "$opts"
}
