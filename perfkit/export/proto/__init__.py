"""pprof's profile.proto (github.com/google/pprof, Apache 2.0) and the message classes protoc
generates from it (``profile_pb2``; regenerate with scripts/generate_pprof_proto.sh)."""
