/// The OpenAPI description of the administration and operator routes (`AdminAPI`,
/// `OperatorAPI`), merged into the document served at `/api/v1/openapi.json`
/// (`APIRouteCatalog.document`), which also marks every operation with the least role
/// it needs (`x-minimum-role`) from the routes' own declarations. Plain JSON; edit it
/// directly.
enum AdminOpenAPI {
    static let document = #"""
{
  "components": {
    "schemas": {
      "AddedUser": {
        "additionalProperties": false,
        "properties": {
          "password": {
            "nullable": true,
            "type": "string"
          },
          "user": {
            "$ref": "#/components/schemas/WorkspaceUser"
          }
        },
        "required": [
          "user",
          "password"
        ],
        "type": "object"
      },
      "AuditEntry": {
        "additionalProperties": false,
        "properties": {
          "action": {
            "type": "string"
          },
          "actor": {
            "description": "user:ID EMAIL, token:ID NAME, operator:ID EMAIL, file or cli",
            "type": "string"
          },
          "at": {
            "format": "date-time",
            "type": "string"
          },
          "id": {
            "type": "integer"
          },
          "summary": {
            "type": "string"
          },
          "workspace": {
            "nullable": true,
            "type": "string"
          }
        },
        "required": [
          "id",
          "at",
          "actor",
          "action",
          "summary",
          "workspace"
        ],
        "type": "object"
      },
      "ChannelHealth": {
        "additionalProperties": false,
        "properties": {
          "fallback_workspace": {
            "nullable": true,
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "state": {
            "description": "the channel's state as its sender sees it (starting, connected, degraded, auth_failed, stopped; a WhatsApp Web session also connecting, needs_pairing, logged_out, replaced), connected for a web chat, or starts_on_restart for a channel added since the start",
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "workspace": {
            "nullable": true,
            "type": "string"
          }
        },
        "required": [
          "id",
          "type",
          "state",
          "workspace",
          "fallback_workspace"
        ],
        "type": "object"
      },
      "CreatedInvite": {
        "additionalProperties": false,
        "properties": {
          "invite": {
            "$ref": "#/components/schemas/Invite"
          },
          "url": {
            "description": "the link's path, /invite/TOKEN: shown once",
            "type": "string"
          }
        },
        "required": [
          "invite",
          "url"
        ],
        "type": "object"
      },
      "HostWorkspace": {
        "additionalProperties": false,
        "properties": {
          "active": {
            "type": "boolean"
          },
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "timezone": {
            "type": "string"
          },
          "updated_at": {
            "format": "date-time",
            "type": "string"
          }
        },
        "required": [
          "id",
          "name",
          "active",
          "timezone",
          "updated_at"
        ],
        "type": "object"
      },
      "Invite": {
        "additionalProperties": false,
        "properties": {
          "accepted_at": {
            "format": "date-time",
            "nullable": true,
            "type": "string"
          },
          "created_at": {
            "format": "date-time",
            "type": "string"
          },
          "created_by": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "expires_at": {
            "format": "date-time",
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "role": {
            "enum": [
              "owner",
              "admin",
              "agent"
            ],
            "type": "string"
          }
        },
        "required": [
          "id",
          "email",
          "role",
          "created_by",
          "created_at",
          "expires_at",
          "accepted_at"
        ],
        "type": "object"
      },
      "NewToken": {
        "additionalProperties": false,
        "properties": {
          "expires_at": {
            "format": "date-time",
            "nullable": true,
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "role": {
            "default": "agent",
            "enum": [
              "owner",
              "admin",
              "agent"
            ],
            "type": "string"
          }
        },
        "required": [
          "name"
        ],
        "type": "object"
      },
      "NewUser": {
        "additionalProperties": false,
        "properties": {
          "email": {
            "type": "string"
          },
          "password": {
            "minLength": 8,
            "type": "string"
          },
          "role": {
            "enum": [
              "owner",
              "admin",
              "agent"
            ],
            "type": "string"
          }
        },
        "required": [
          "email",
          "role"
        ],
        "type": "object"
      },
      "ReloadOutcome": {
        "additionalProperties": false,
        "properties": {
          "added": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "applied": {
            "type": "boolean"
          },
          "changed": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "channels_started": {
            "description": "channels the reload added and started without a restart (WhatsApp Cloud API numbers, WhatsApp Web sessions)",
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "credentials_replaced": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "disabled": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "errors": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "needs_restart": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "new_plugin_instances": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "summary": {
            "type": "string"
          }
        },
        "required": [
          "applied",
          "errors",
          "added",
          "changed",
          "disabled",
          "new_plugin_instances",
          "needs_restart",
          "credentials_replaced",
          "summary"
        ],
        "type": "object"
      },
      "Token": {
        "additionalProperties": false,
        "properties": {
          "created_at": {
            "format": "date-time",
            "type": "string"
          },
          "expires_at": {
            "format": "date-time",
            "nullable": true,
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "last_used_at": {
            "format": "date-time",
            "nullable": true,
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "role": {
            "enum": [
              "owner",
              "admin",
              "agent"
            ],
            "type": "string"
          }
        },
        "required": [
          "id",
          "name",
          "role",
          "created_at",
          "last_used_at",
          "expires_at"
        ],
        "type": "object"
      },
      "WorkspaceUser": {
        "additionalProperties": false,
        "properties": {
          "created_at": {
            "format": "date-time",
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "role": {
            "enum": [
              "owner",
              "admin",
              "agent"
            ],
            "type": "string"
          }
        },
        "required": [
          "id",
          "email",
          "role",
          "created_at"
        ],
        "type": "object"
      }
    },
    "securitySchemes": {
      "operatorToken": {
        "description": "an operator's token (switchboard operator add)",
        "scheme": "bearer",
        "type": "http"
      }
    }
  },
  "paths": {
    "/api/v1/audit": {
      "get": {
        "operationId": "workspaceAudit",
        "parameters": [
          {
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "default": 50,
              "maximum": 100,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "an entry id: only older entries",
            "in": "query",
            "name": "before",
            "required": false,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/AuditEntry"
                      },
                      "type": "array"
                    },
                    "next_before": {
                      "nullable": true,
                      "type": "integer"
                    }
                  },
                  "required": [
                    "items",
                    "next_before"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "entries"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad limit or before"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "summary": "The workspace's audit trail: who changed what, newest first (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/invite/{token}": {
      "get": {
        "operationId": "readInvite",
        "parameters": [
          {
            "description": "the token of the invite link",
            "in": "path",
            "name": "token",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "additionalProperties": false,
                  "properties": {
                    "email": {
                      "type": "string"
                    },
                    "expires_at": {
                      "format": "date-time",
                      "type": "string"
                    },
                    "role": {
                      "enum": [
                        "owner",
                        "admin",
                        "agent"
                      ],
                      "type": "string"
                    },
                    "workspace": {
                      "type": "string"
                    },
                    "workspace_name": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "workspace",
                    "workspace_name",
                    "email",
                    "role",
                    "expires_at"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the invite"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "unknown, used or expired"
          }
        },
        "security": [],
        "summary": "Who an open invite link is for (no login: the token is the credential)",
        "tags": [
          "onboarding"
        ]
      }
    },
    "/api/v1/invite/{token}/accept": {
      "post": {
        "operationId": "acceptInvite",
        "parameters": [
          {
            "description": "the token of the invite link",
            "in": "path",
            "name": "token",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "password": {
                    "minLength": 8,
                    "type": "string"
                  }
                },
                "required": [
                  "password"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "user": {
                      "$ref": "#/components/schemas/WorkspaceUser"
                    },
                    "workspace": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "user",
                    "workspace"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the new user"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "password too short"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "unknown, used or expired"
          }
        },
        "security": [],
        "summary": "Set a password and become a user of the workspace; then log in (no login: the token is the credential)",
        "tags": [
          "onboarding"
        ]
      }
    },
    "/api/v1/invites": {
      "get": {
        "operationId": "listInvites",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/Invite"
                      },
                      "type": "array"
                    }
                  },
                  "required": [
                    "items"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "invites"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "summary": "The workspace's invites (owners)",
        "tags": [
          "administration"
        ]
      },
      "post": {
        "operationId": "createInvite",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "email": {
                    "type": "string"
                  },
                  "role": {
                    "enum": [
                      "owner",
                      "admin",
                      "agent"
                    ],
                    "type": "string"
                  }
                },
                "required": [
                  "email"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CreatedInvite"
                }
              }
            },
            "description": "the invite and its link, shown once"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad e-mail or role"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "already a user"
          }
        },
        "summary": "Invite a person by e-mail with a role (default agent); the link is valid for 7 days (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/operator/audit": {
      "get": {
        "operationId": "operatorAudit",
        "parameters": [
          {
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "default": 50,
              "maximum": 100,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "an entry id: only older entries",
            "in": "query",
            "name": "before",
            "required": false,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/AuditEntry"
                      },
                      "type": "array"
                    }
                  },
                  "required": [
                    "items"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "entries"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad limit"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "security": [
          {
            "operatorToken": []
          }
        ],
        "summary": "The host's audit trail, newest first (operators)",
        "tags": [
          "operator"
        ]
      }
    },
    "/api/v1/operator/channels": {
      "get": {
        "operationId": "operatorChannels",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/ChannelHealth"
                      },
                      "type": "array"
                    }
                  },
                  "required": [
                    "items"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "channels"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "security": [
          {
            "operatorToken": []
          }
        ],
        "summary": "Channel health across workspaces (operators)",
        "tags": [
          "operator"
        ]
      }
    },
    "/api/v1/operator/reload": {
      "post": {
        "operationId": "operatorReload",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "applied"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "refused; the running config stays"
          }
        },
        "security": [
          {
            "operatorToken": []
          }
        ],
        "summary": "Read the config files again and apply them without a restart (operators)",
        "tags": [
          "operator"
        ]
      }
    },
    "/api/v1/operator/workspaces": {
      "get": {
        "operationId": "operatorWorkspaces",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/HostWorkspace"
                      },
                      "type": "array"
                    }
                  },
                  "required": [
                    "items"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "workspaces"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "security": [
          {
            "operatorToken": []
          }
        ],
        "summary": "Every workspace of the host (operators)",
        "tags": [
          "operator"
        ]
      },
      "post": {
        "operationId": "operatorCreateWorkspace",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "owner_email": {
                    "type": "string"
                  },
                  "region": {
                    "default": "NG",
                    "type": "string"
                  },
                  "timezone": {
                    "default": "UTC",
                    "type": "string"
                  }
                },
                "required": [
                  "id",
                  "name",
                  "owner_email"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "invite": {
                      "$ref": "#/components/schemas/Invite"
                    },
                    "reload": {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    "url": {
                      "type": "string"
                    },
                    "workspace": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "workspace",
                    "reload",
                    "invite",
                    "url"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "created; the owner's invite link, shown once"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad id, name or e-mail"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "the id is taken"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "the config does not check with it; nothing written"
          }
        },
        "security": [
          {
            "operatorToken": []
          }
        ],
        "summary": "Create a workspace (its file, applied without a restart) and invite its owner (operators)",
        "tags": [
          "operator"
        ]
      }
    },
    "/api/v1/tokens": {
      "get": {
        "operationId": "listTokens",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/Token"
                      },
                      "type": "array"
                    }
                  },
                  "required": [
                    "items"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the tokens"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "summary": "The workspace's API tokens, never their secrets (owners)",
        "tags": [
          "administration"
        ]
      },
      "post": {
        "operationId": "createToken",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewToken"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "secret": {
                      "type": "string"
                    },
                    "token": {
                      "$ref": "#/components/schemas/Token"
                    }
                  },
                  "required": [
                    "token",
                    "secret"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "created"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad name, role or expiry"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "summary": "Create an API token with a role and an optional expiry; the secret is shown once (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/tokens/{id}": {
      "delete": {
        "operationId": "revokeToken",
        "parameters": [
          {
            "description": "the token's id (tok_...)",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "revoked"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such token in this workspace"
          }
        },
        "summary": "Revoke a token: its next request is refused (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/users": {
      "post": {
        "operationId": "addUser",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewUser"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AddedUser"
                }
              }
            },
            "description": "added; password is the generated one, shown once (null when given)"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad e-mail, role or password"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the e-mail is already a user here"
          }
        },
        "summary": "Add a user; the password is generated unless given (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/users/{id}": {
      "delete": {
        "operationId": "removeUser",
        "parameters": [
          {
            "description": "the user's id or e-mail",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "removed"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such user in this workspace"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the last owner"
          }
        },
        "summary": "Remove a user; their sessions end at once (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/users/{id}/reset-password": {
      "post": {
        "operationId": "resetPassword",
        "parameters": [
          {
            "description": "the user's id or e-mail",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "password": {
                      "type": "string"
                    },
                    "user": {
                      "$ref": "#/components/schemas/WorkspaceUser"
                    }
                  },
                  "required": [
                    "user",
                    "password"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the new password, shown once"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such user in this workspace"
          }
        },
        "summary": "Set a new generated password; every session of the user ends (owners)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/users/{id}/role": {
      "post": {
        "operationId": "setUserRole",
        "parameters": [
          {
            "description": "the user's id or e-mail",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "role": {
                    "enum": [
                      "owner",
                      "admin",
                      "agent"
                    ],
                    "type": "string"
                  }
                },
                "required": [
                  "role"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "user": {
                      "$ref": "#/components/schemas/WorkspaceUser"
                    }
                  },
                  "required": [
                    "user"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "changed"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "bad role"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such user in this workspace"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the last owner"
          }
        },
        "summary": "Change a user's role (owners; the last owner keeps theirs)",
        "tags": [
          "administration"
        ]
      }
    },
    "/api/v1/workspace/config": {
      "get": {
        "operationId": "readWorkspaceConfig",
        "responses": {
          "200": {
            "content": {
              "application/yaml": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "description": "the YAML text"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          }
        },
        "summary": "The workspace's config file as it is on disk (admins)",
        "tags": [
          "administration"
        ]
      },
      "put": {
        "operationId": "writeWorkspaceConfig",
        "requestBody": {
          "content": {
            "application/yaml": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "applied"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Replace the workspace's config file and apply it without a restart; refused with the errors, and nothing changed, if the config is wrong (admins)",
        "tags": [
          "administration"
        ]
      }
    }
  }
}
"""#
}
