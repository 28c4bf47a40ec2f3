/// The OpenAPI description of the setup walk's routes (`SetupAPI`), merged into the
/// document served at `/api/v1/openapi.json`; `x-minimum-role` comes from the routes'
/// declarations (`APIRouteCatalog`). Plain JSON; edit it directly.
enum SetupOpenAPI {
    static let document = #"""
{
  "components": {
    "schemas": {
      "SetupChannel": {
        "description": "a channel the workspace's own file defines; secrets masked (the last four characters)",
        "properties": {
          "access_token": {
            "description": "masked: ••••1234",
            "nullable": true,
            "type": "string"
          },
          "api_key": {
            "description": "masked",
            "nullable": true,
            "type": "string"
          },
          "app": {
            "description": "whatsapp: the host's Meta app",
            "nullable": true,
            "type": "string"
          },
          "base_url": {
            "description": "whatsapp_web: the gateway",
            "nullable": true,
            "type": "string"
          },
          "bot_token": {
            "description": "masked",
            "nullable": true,
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "instance": {
            "nullable": true,
            "type": "string"
          },
          "phone_number_id": {
            "nullable": true,
            "type": "string"
          },
          "type": {
            "enum": [
              "whatsapp",
              "whatsapp_web",
              "webchat",
              "telegram"
            ],
            "type": "string"
          },
          "waba_id": {
            "nullable": true,
            "type": "string"
          }
        },
        "required": [
          "id",
          "type"
        ],
        "type": "object"
      },
      "SetupFAQEntry": {
        "properties": {
          "answer": {
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "questions": {
            "items": {
              "type": "string"
            },
            "type": "array"
          }
        },
        "required": [
          "questions",
          "answer"
        ],
        "type": "object"
      },
      "SetupProgress": {
        "description": "each step: done, skipped or null (not yet)",
        "properties": {
          "business": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "channel": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "faq": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "handoff": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "team": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          }
        },
        "type": "object"
      },
      "SetupState": {
        "additionalProperties": false,
        "properties": {
          "faq": {
            "properties": {
              "entries": {
                "items": {
                  "$ref": "#/components/schemas/SetupFAQEntry"
                },
                "type": "array"
              },
              "from_file": {
                "type": "boolean"
              }
            },
            "type": "object"
          },
          "handoff": {
            "properties": {
              "hours": {
                "nullable": true,
                "type": "string"
              },
              "in_chain": {
                "type": "boolean"
              }
            },
            "type": "object"
          },
          "name": {
            "type": "string"
          },
          "plugins": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "progress": {
            "$ref": "#/components/schemas/SetupProgress"
          },
          "steps": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "timezone": {
            "type": "string"
          },
          "workspace": {
            "type": "string"
          }
        },
        "required": [
          "workspace",
          "name",
          "timezone",
          "faq",
          "handoff",
          "plugins",
          "steps",
          "progress"
        ],
        "type": "object"
      },
      "TryAnswer": {
        "additionalProperties": false,
        "properties": {
          "buttons": {
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
          "plugin": {
            "nullable": true,
            "type": "string"
          },
          "reason": {
            "nullable": true,
            "type": "string"
          },
          "text": {
            "description": "what the customer would get; null: no answer at all",
            "nullable": true,
            "type": "string"
          },
          "verdict": {
            "enum": [
              "reply",
              "handoff",
              "pass",
              "template"
            ],
            "type": "string"
          }
        },
        "required": [
          "verdict",
          "plugin",
          "text",
          "reason",
          "buttons",
          "errors"
        ],
        "type": "object"
      }
    }
  },
  "paths": {
    "/api/v1/workspace/setup": {
      "get": {
        "operationId": "readSetup",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SetupState"
                }
              }
            },
            "description": "the state"
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
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the file cannot be read as YAML"
          }
        },
        "summary": "What the setup walk shows: the business's name and time zone, FAQ entries and handoff hours as the workspace file has them, and each step's progress (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/business": {
      "put": {
        "operationId": "saveSetupBusiness",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "timezone": {
                    "type": "string"
                  }
                },
                "required": [
                  "name",
                  "timezone"
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
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
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
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Set the business's name and IANA time zone in the workspace file and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/channels": {
      "get": {
        "operationId": "listSetupChannels",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "apps": {
                      "items": {
                        "properties": {
                          "id": {
                            "type": "string"
                          },
                          "webhook_path": {
                            "type": "string"
                          }
                        },
                        "type": "object"
                      },
                      "type": "array"
                    },
                    "channels": {
                      "items": {
                        "$ref": "#/components/schemas/SetupChannel"
                      },
                      "type": "array"
                    },
                    "types": {
                      "items": {
                        "type": "string"
                      },
                      "type": "array"
                    }
                  },
                  "type": "object"
                }
              }
            },
            "description": "the workspace's own channels and the host's Meta apps"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not logged in"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not an admin of this workspace"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such workspace in the config"
          }
        },
        "summary": "The channels the workspace's own file defines (secrets masked) and the host's Meta apps a Cloud API number can be connected on (admins)",
        "tags": [
          "setup"
        ]
      },
      "post": {
        "operationId": "connectSetupChannel",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "access_token": {
                    "description": "whatsapp: checked with GET /{phone_number_id}?fields=id before anything is written",
                    "type": "string"
                  },
                  "api_key": {
                    "description": "whatsapp_web: the gateway's key",
                    "type": "string"
                  },
                  "app": {
                    "description": "whatsapp: one of the host's apps; default: the only one",
                    "type": "string"
                  },
                  "base_url": {
                    "description": "whatsapp_web: the Evolution API gateway",
                    "type": "string"
                  },
                  "id": {
                    "description": "default WORKSPACE-whatsapp / WORKSPACE-wa-web / WORKSPACE-chat (then -2, -3...)",
                    "type": "string"
                  },
                  "instance": {
                    "description": "whatsapp_web: default the workspace id",
                    "type": "string"
                  },
                  "phone_number_id": {
                    "description": "whatsapp: the number's id in the Cloud API (digits)",
                    "type": "string"
                  },
                  "type": {
                    "enum": [
                      "whatsapp",
                      "whatsapp_web",
                      "webchat"
                    ],
                    "type": "string"
                  },
                  "waba_id": {
                    "description": "whatsapp: the business account, for message templates",
                    "type": "string"
                  }
                },
                "required": [
                  "type"
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
                    "channel": {
                      "$ref": "#/components/schemas/SetupChannel"
                    },
                    "reload": {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    }
                  },
                  "type": "object"
                }
              }
            },
            "description": "written to the workspace's file and started (reload.channels_started); the channel step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not logged in"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not an admin of this workspace"
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "webchat: the workspace has a web chat already (one per workspace)"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    }
                  ]
                }
              }
            },
            "description": "refused, nothing written: by the provider (Error, code provider_refused: Graph's error for a bad token or an unknown number) or by the config's checks (ReloadOutcome with FILE:LINE:COLUMN errors: an id or number another channel has)"
          }
        },
        "summary": "Connect a channel from the setup walk: a WhatsApp Cloud API number on one of the host's Meta apps, a WhatsApp Web pairing on an Evolution gateway (the QR then shows in GET /channels), or the workspace's web chat; written to the workspace's own file and started without a restart (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/channels/{id}": {
      "delete": {
        "operationId": "removeSetupChannel",
        "parameters": [
          {
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
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "removed from the file; the channel stops at the next restart (reload.needs_restart)"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not logged in"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not an admin of this workspace"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "not one of this workspace's own channels"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "refused by the config's checks; nothing changed"
          }
        },
        "summary": "Remove a channel from the workspace's own file (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/faq": {
      "put": {
        "operationId": "saveSetupFAQ",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "entries": {
                    "items": {
                      "$ref": "#/components/schemas/SetupFAQEntry"
                    },
                    "type": "array"
                  }
                },
                "required": [
                  "entries"
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
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
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
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Replace the faq plugin's entries in the workspace file (the plugin is added first in the chain if absent, removed when no entries are left) and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/handoff": {
      "put": {
        "operationId": "saveSetupHandoff",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "hours": {
                    "type": "string"
                  }
                },
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
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
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
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Set the handoff plugin's opening hours (like \"mon-fri 09:00-17:00, sat 10:00-14:00\"; empty removes them; the plugin is added last if absent) and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/progress": {
      "post": {
        "operationId": "markSetupStep",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "state": {
                    "enum": [
                      "done",
                      "skipped"
                    ],
                    "type": "string"
                  },
                  "step": {
                    "enum": [
                      "business",
                      "channel",
                      "faq",
                      "handoff",
                      "team"
                    ],
                    "type": "string"
                  }
                },
                "required": [
                  "step",
                  "state"
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
                  "additionalProperties": false,
                  "properties": {
                    "progress": {
                      "$ref": "#/components/schemas/SetupProgress"
                    }
                  },
                  "required": [
                    "progress"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the progress"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "unknown step or state"
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
        "summary": "Mark a step of the setup walk done or skipped (written to the audit trail) (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/try": {
      "post": {
        "operationId": "tryQuestion",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "text": {
                    "type": "string"
                  }
                },
                "required": [
                  "text"
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
                  "$ref": "#/components/schemas/TryAnswer"
                }
              }
            },
            "description": "what the customer would get"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no text"
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
            "description": "no such workspace in the config"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the config or the chain does not load"
          }
        },
        "summary": "Run the workspace's responder chain, as saved in its file, once on a question (like `switchboard ask`: a chain of its own, state in memory, nothing sent or journalled) and say what a customer would get (admins)",
        "tags": [
          "setup"
        ]
      }
    }
  }
}
"""#
}
