"""One mixin per Immich resource; ImmichClient combines them. Each public method is one request."""
